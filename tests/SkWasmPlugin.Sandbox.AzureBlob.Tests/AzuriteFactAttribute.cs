namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

/// <summary>
/// A fact that needs Azurite (installed from npm on first use, see <see cref="AzuriteLocator"/>). When it cannot be had, the
/// fact is skipped with the reason; in CI (CI=true) it runs and fails instead, so a broken install cannot pass unnoticed.
/// </summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public AzuriteFactAttribute()
    {
        if (AzuriteLocator.Executable is null && !AzuriteLocator.InCi) Skip = AzuriteLocator.Problem;
    }
}
