using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Every vendored package installs into a session and does real work there.</summary>
[Collection(SandboxCollection.Name)]
public sealed class PackageTests(SandboxFixture fixture)
{
    public static TheoryData<string, string, string> Packages => new()
    {
        { "openpyxl", "import openpyxl\nwb = openpyxl.Workbook(); ws = wb.active; ws['A1'] = 41; ws['A2'] = '=A1+1'\nwb.save('t.xlsx')\nprint(openpyxl.load_workbook('t.xlsx').active['A1'].value)", "41" },
        { "xlsxwriter", "import xlsxwriter\nwb = xlsxwriter.Workbook('w.xlsx'); wb.add_worksheet().write(0, 0, 'hi'); wb.close()\nimport os; print(os.path.getsize('w.xlsx') > 1000)", "True" },
        { "tabulate", "from tabulate import tabulate\nprint(tabulate([['a', 1]], headers=['k', 'v'], tablefmt='github'))", "| a   |   1 |" },
        { "jinja2", "from jinja2 import Template\nprint(Template('Hi {{ name|upper }}').render(name='ada'))", "Hi ADA" },
        { "markupsafe", "from markupsafe import escape\nprint(escape('<b>'))", "&lt;b&gt;" },
        { "markdown", "import markdown\nprint(markdown.markdown('# Title'))", "<h1>Title</h1>" },
        { "python-dateutil", "from dateutil import parser, relativedelta\nd = parser.parse('2024-01-31') + relativedelta.relativedelta(months=1)\nprint(d.date())", "2024-02-29" },
        { "attrs", "import attr\n@attr.s(auto_attribs=True)\nclass P:\n    x: int\nprint(P(3))", "P(x=3)" },
        { "pypdf", "from pypdf import PdfWriter, PdfReader\nw = PdfWriter(); w.add_blank_page(72, 72); w.write('b.pdf')\nprint(len(PdfReader('b.pdf').pages))", "1" },
        { "pypdf2", "from PyPDF2 import PdfWriter\nw = PdfWriter(); w.add_blank_page(72, 72)\nprint(len(w.pages))", "1" },
        { "odfpy", "from odf.opendocument import OpenDocumentText\nfrom odf.text import P\nd = OpenDocumentText(); d.text.addElement(P(text='hello')); d.save('d.odt')\nimport zipfile; print('content.xml' in zipfile.ZipFile('d.odt').namelist())", "True" },
        { "six", "import six\nprint(six.PY3, six.text_type('x'))", "True x" },
        { "pyyaml", "import yaml\nprint(yaml.safe_load(yaml.safe_dump({'a': [1, 2]})))", "{'a': [1, 2]}" },
        { "chardet", "import chardet\nprint(chardet.detect('héllo wörld ünïcode'.encode('utf-8'))['encoding'])", "utf-8" },
        { "idna", "import idna\nprint(idna.encode('bücher.example').decode())", "xn--bcher-kva.example" },
        { "pygments", "from pygments import highlight\nfrom pygments.lexers import PythonLexer\nfrom pygments.formatters import HtmlFormatter\nprint('class=\"k\"' in highlight('def f(): pass', PythonLexer(), HtmlFormatter()))", "True" },
        { "pytz", "import pytz, datetime\nprint(pytz.timezone('Europe/Paris').utcoffset(datetime.datetime(2024, 7, 1)))", "2:00:00" },
        { "defusedxml", "from defusedxml.ElementTree import fromstring\nprint(fromstring('<a><b>1</b></a>').find('b').text)", "1" },
        { "et_xmlfile", "from et_xmlfile import xmlfile\nwith xmlfile('x.xml') as xf:\n    with xf.element('root'):\n        xf.write('t')\nprint(open('x.xml').read())", "<root>t</root>" },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public async Task Vendored_package_installs_and_works(string package, string code, string expected)
    {
        string s = (await fixture.Sandbox.Sessions.CreateAsync()).Id;
        var installed = await fixture.Sandbox.Sessions.InstallPackageAsync(s, package);
        Assert.NotEmpty(installed);
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code)
        {
            SessionId = s,
            Limits = new ExecutionLimits { Fuel = 40_000_000_000, Timeout = TimeSpan.FromSeconds(60) },
        });
        Assert.True(r.IsSuccess, $"{package}: {r.Outcome} {r.Stderr}");
        Assert.Contains(expected, r.Stdout);
        Assert.Contains(installed.Last(), (await fixture.Sandbox.Sessions.GetWorkspaceInfoAsync(s)).InstalledPackages);
    }

    [Fact]
    public async Task Not_installed_vendored_package_gets_MissingPackage_guidance()
    {
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import tabulate"));
        Assert.Equal("MissingPackage", r.Guidance!.ErrorType);
        Assert.Contains("install_package(\"tabulate\")", r.Guidance.Fix);
    }

    [Fact]
    public async Task Unknown_package_is_a_clear_error_listing_what_is_available()
    {
        string s = (await fixture.Sandbox.Sessions.CreateAsync()).Id;
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Sandbox.Sessions.InstallPackageAsync(s, "numpy"));
        Assert.Contains("numpy", ex.Message);
        Assert.Contains("openpyxl", ex.Message);
        Assert.Contains("openpyxl", fixture.Sandbox.Describe().VendoredPackages);
    }

    [Fact]
    public async Task Installed_packages_survive_reset_of_nothing_but_are_cleared_by_reset()
    {
        string s = (await fixture.Sandbox.Sessions.CreateAsync()).Id;
        Assert.Equal(["six", "python-dateutil"], await fixture.Sandbox.Sessions.InstallPackageAsync(s, "dateutil"));
        await fixture.Sandbox.Sessions.ResetAsync(s);
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import dateutil") { SessionId = s });
        Assert.Equal("MissingPackage", r.Guidance!.ErrorType);
    }
}
