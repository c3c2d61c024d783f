using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>
/// Where the JIT startup profile goes and when there is none. That the runtime records and writes it is shown in a
/// process of its own (CliTests), since it is written when the process exits.
/// </summary>
public sealed class JitStartupProfileTests
{
    [Fact]
    public void The_profile_goes_in_the_module_cache_folder_unless_it_is_off_or_there_is_no_cache()
    {
        string cache = Path.Combine(Path.GetTempPath(), "skwasm-jit-profile-" + Guid.NewGuid().ToString("N"));
        var on = new SandboxOptions { ModuleCachePath = cache };
        Assert.True(on.JitStartupProfile); // the default
        if (Environment.ProcessorCount >= 2) Assert.Equal(Path.GetFullPath(cache), JitStartupProfile.Folder(on));
        else Assert.Null(JitStartupProfile.Folder(on)); // multicore JIT needs a second core
        Assert.Null(JitStartupProfile.Folder(new SandboxOptions { ModuleCachePath = cache, JitStartupProfile = false }));
        Assert.Null(JitStartupProfile.Folder(new SandboxOptions { ModuleCachePath = cache, DisableModuleCache = true }));
        Assert.False(Directory.Exists(cache)); // deciding makes no folder
    }

    [Fact]
    public void Each_application_and_build_has_a_file_of_its_own_that_the_pruner_knows_as_a_top_level_entry()
    {
        string name = JitStartupProfile.FileName();
        Assert.Equal(name, JitStartupProfile.FileName());
        Assert.Matches(@"^jit-[A-Za-z0-9._-]+-[0-9a-f]{16}\.profile$", name);
        Assert.DoesNotContain(Path.DirectorySeparatorChar, name);
    }

    [Fact]
    public void A_sandbox_with_the_profile_off_starts_none()
    {
        string cache = Path.Combine(Path.GetTempPath(), "skwasm-jit-profile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cache);
        try
        {
            Assert.Null(JitStartupProfile.Start(new SandboxOptions { ModuleCachePath = cache, JitStartupProfile = false }, createFolder: true));
            Assert.Null(JitStartupProfile.Start(new SandboxOptions { ModuleCachePath = cache, DisableModuleCache = true }, createFolder: true));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Two_applications_or_two_builds_never_share_a_profile_name()
    {
        var build = Guid.NewGuid();
        string name = JitStartupProfile.FileName("My App", "/srv/a/", build);
        Assert.Matches(@"^jit-My_App-[0-9a-f]{16}\.profile$", name);
        Assert.Equal(name, JitStartupProfile.FileName("My App", "/srv/a/", build));
        Assert.NotEqual(name, JitStartupProfile.FileName("My App", "/srv/b/", build));
        Assert.NotEqual(name, JitStartupProfile.FileName("My App", "/srv/a/", Guid.NewGuid()));
    }
}
