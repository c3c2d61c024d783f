using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Every vendored package is importable in every run (stateless and in sessions, no install step) and does real work.</summary>
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
        { "sympy", "import sympy as sp\nx = sp.symbols('x')\nprint(sp.integrate(x**2, x), sp.solve(x**2 - 4, x))", "x**3/3 [-2, 2]" },
        { "mpmath", "import mpmath\nmpmath.mp.dps = 30\nprint(mpmath.pi)", "3.14159265358979323846264338328" },
        { "networkx", "import networkx as nx\nG = nx.path_graph(5)\nprint(nx.shortest_path(G, 0, 4), nx.is_connected(G))", "[0, 1, 2, 3, 4] True" },
        { "pygal", "import pygal\nc = pygal.Bar(title='t'); c.add('a', [1, 3, 2])\nsvg = c.render(is_unicode=True)\nprint(svg.count('<svg') >= 1, 'class=\"rect' in svg)", "True True" },
        { "svgwrite", "import svgwrite\nd = svgwrite.Drawing('a.svg'); d.add(d.circle((5, 5), 3)); d.save()\nprint('<circle' in open('a.svg').read())", "True" },
        { "beautifulsoup4", "from bs4 import BeautifulSoup\nprint(BeautifulSoup('<p class=a>hi</p><p>no</p>', 'html.parser').select_one('p.a').text)", "hi" },
        { "soupsieve", "import soupsieve as sv\nfrom bs4 import BeautifulSoup\nprint(len(sv.select('li:nth-child(odd)', BeautifulSoup('<ul><li>1<li>2<li>3</ul>', 'html.parser'))))", "2" },
        { "html5lib", "import html5lib\nprint(html5lib.parse('<p>x').tag)", "{http://www.w3.org/1999/xhtml}html" },
        { "webencodings", "import webencodings\nprint(webencodings.lookup('latin1').name)", "windows-1252" },
        { "prettytable", "from prettytable import PrettyTable\nt = PrettyTable(['k', 'v']); t.add_row(['a', 1])\nprint(t)", "| k | v |" },
        { "wcwidth", "from wcwidth import wcswidth\nprint(wcswidth('コード'))", "6" },
        { "texttable", "import texttable\nt = texttable.Texttable(); t.add_rows([['k'], ['a']])\nprint(t.draw())", "| k |" },
        { "xlrd", "import openpyxl, xlrd\nwb = openpyxl.Workbook(); wb.active['A1'] = 7; wb.save('t.xlsx')\nprint(xlrd.open_workbook('t.xlsx').sheet_by_index(0).cell_value(0, 0))", "7" },
        { "sqlparse", "import sqlparse\nprint(sqlparse.format('select a from t where b=1', reindent=True, keyword_case='upper'))", "SELECT a" },
        { "toml", "import toml\nprint(toml.loads('a = 1\\n[t]\\nb = \"x\"'))", "{'a': 1, 't': {'b': 'x'}}" },
        { "tomli", "import tomli\nprint(tomli.loads('b = [1, 2]')['b'])", "[1, 2]" },
        { "docutils", "from docutils.core import publish_parts\nprint(publish_parts('*hi*', writer_name='html')['fragment'])", "<em>hi</em>" },
        { "roman", "import roman\nprint(roman.toRoman(2024))", "MMXXIV" },
        { "pyrsistent", "from pyrsistent import pvector\nprint(pvector([1]).append(2))", "pvector([1, 2])" },
        { "jsonschema", "import jsonschema\njsonschema.validate({'a': 1}, {'type': 'object', 'properties': {'a': {'type': 'integer'}}})\ntry:\n    jsonschema.validate({'a': 'x'}, {'properties': {'a': {'type': 'integer'}}})\nexcept jsonschema.ValidationError as e:\n    print('invalid:', e.message)", "invalid: 'x' is not of type 'integer'" },
        { "unidecode", "from unidecode import unidecode\nprint(unidecode('Ærøskøbing'))", "AEroskobing" },
        { "segno", "import segno\nsegno.make('hello').save('q.svg')\nprint('<svg' in open('q.svg').read())", "True" },
        { "pkg_resources", "import pkg_resources\nprint(pkg_resources.get_distribution('pygal').version)", "2.4.0" },
    };

    private static readonly ExecutionLimits Generous = new() { Fuel = 40_000_000_000, Timeout = TimeSpan.FromSeconds(60), MemoryBytes = 512L * 1024 * 1024 };

    [Theory]
    [MemberData(nameof(Packages))]
    public async Task Vendored_package_works_in_a_stateless_call_without_install(string package, string code, string expected)
    {
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { Limits = Generous });
        Assert.True(r.IsSuccess, $"{package}: {r.Outcome} {r.Stderr}");
        Assert.Contains(expected, r.Stdout);
    }

    [Fact]
    public void Every_vendored_package_has_a_test()
    {
        var tested = Packages.Select(row => (string)row[0]).ToHashSet();
        Assert.All(fixture.Sandbox.Describe().VendoredPackages, p => Assert.Contains(p, tested));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public async Task Vendored_package_works_in_a_session_and_install_is_idempotent(string package, string code, string expected)
    {
        string s = (await fixture.Sandbox.Sessions.CreateAsync()).Id;
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = s, Limits = Generous });
        Assert.True(r.IsSuccess, $"{package}: {r.Outcome} {r.Stderr}");
        Assert.Contains(expected, r.Stdout);
        // install_package stays: it changes nothing, and says what it made importable.
        var installed = await fixture.Sandbox.Sessions.InstallPackageAsync(s, package);
        Assert.Equal(installed, await fixture.Sandbox.Sessions.InstallPackageAsync(s, package));
        Assert.Contains(installed.Last(), (await fixture.Sandbox.Sessions.GetWorkspaceInfoAsync(s)).InstalledPackages);
    }

    [Fact]
    public async Task A_vendored_module_removed_from_sys_path_gets_guidance_to_put_it_back()
    {
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python,
            "import sys\nsys.path[:] = [p for p in sys.path if 'site-packages' not in p]\nimport tabulate"));
        Assert.Equal("MissingPackage", r.Guidance!.ErrorType);
        Assert.Contains("/data/site-packages/tabulate", r.Guidance.Fix);
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
    public async Task Packages_stay_importable_after_a_reset()
    {
        string s = (await fixture.Sandbox.Sessions.CreateAsync()).Id;
        Assert.Equal(["six", "python-dateutil"], await fixture.Sandbox.Sessions.InstallPackageAsync(s, "dateutil"));
        await fixture.Sandbox.Sessions.ResetAsync(s);
        Assert.Empty((await fixture.Sandbox.Sessions.GetWorkspaceInfoAsync(s)).InstalledPackages);
        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import dateutil\nprint('ok')") { SessionId = s });
        Assert.Equal("ok\n", r.Stdout);
    }
}
