using Microsoft.Extensions.Options;

namespace Cds.Service.Policy;

/// <summary>
/// Reloads the policies when their folder changes (a file added, changed, renamed or removed), without a restart: file
/// events only, no polling. Events are debounced (<see cref="CdsOptions.PolicyReloadDebounce"/> after the last one) so
/// that an editor's several writes make one reload. Nothing to watch for the embedded policy, or when
/// <see cref="CdsOptions.PolicyReload"/> is off.
/// </summary>
internal sealed partial class PolicyFolderWatcher(IServiceProvider services, IOptions<CdsOptions> options, ILogger<PolicyFolderWatcher> logger) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, after PolicyStartupCheck has loaded the policies (a bad folder stops the start there).
        var library = services.GetRequiredService<PolicyLibrary>();
        var source = library.Source;
        if (source.Embedded || !options.Value.PolicyReload)
        {
            return Task.CompletedTask;
        }

        // The debounce waits on the file system, in real time: TimeProvider.System, not the service's clock.
        _debounce = TimeProvider.System.CreateTimer(_ => library.Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(source.Folder!)
        {
            Filter = source.File ?? "*.json",
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, e) => Changed(e.Name);
        _watcher.Created += (_, e) => Changed(e.Name);
        _watcher.Deleted += (_, e) => Changed(e.Name);
        _watcher.Renamed += (_, e) => Changed(source.Concerns(e.OldName) ? e.OldName : e.Name);
        _watcher.Error += (_, e) =>
        {
            // Events were lost (the buffer overflowed): read the folder again rather than miss a change.
            Log.WatchError(logger, e.GetException().GetType().Name);
            Schedule();
        };
        _watcher.EnableRaisingEvents = true;
        Log.Watching(logger, source.Folder!, options.Value.PolicyReloadDebounce.TotalMilliseconds);
        return Task.CompletedTask;

        void Changed(string? name)
        {
            if (source.Concerns(name))
            {
                Schedule();
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _debounce?.Dispose();
        _debounce = null;
    }

    private void Schedule() => _debounce?.Change(options.Value.PolicyReloadDebounce, Timeout.InfiniteTimeSpan);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Watching the policy folder {Folder} for changes (reload {DebounceMs} ms after the last change)")]
        public static partial void Watching(ILogger logger, string folder, double debounceMs);

        [LoggerMessage(2, LogLevel.Warning, "Policy folder watch lost events ({Error}); reading the folder again")]
        public static partial void WatchError(ILogger logger, string error);
    }
}
