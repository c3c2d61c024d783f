using Azure;
using Azure.Storage.Blobs.Specialized;

namespace SkWasmPlugin.Sandbox.AzureBlob;

/// <summary>A held lease on a session's lock blob, renewed every third of its duration until disposed, then released.</summary>
internal sealed class BlobSessionLease : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly Func<Task> _afterRelease;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public BlobSessionLease(BlobLeaseClient lease, TimeSpan duration, Func<Task> afterRelease)
    {
        _lease = lease;
        _duration = duration;
        _afterRelease = afterRelease;
        _renewing = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_duration / 3, _stop.Token).ConfigureAwait(false);
                await _lease.RenewAsync(cancellationToken: _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException)
        {
            // The lease is lost (the store was unreachable past its duration); the next holder takes over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        try
        {
            await _lease.ReleaseAsync().ConfigureAwait(false);
            await _afterRelease().ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // Already expired or taken over.
        }
        _stop.Dispose();
    }
}
