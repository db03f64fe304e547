using System.Runtime.InteropServices;

namespace Cds.Service.Hosting;

/// <summary>
/// Native memory the process would otherwise keep: at start-up the JIT compiles the Firely SDK's
/// <c>ModelInfo</c> static constructor (252 KB of IL, which any use of the R4 model runs) in ~75 MB of 64 KB arena
/// blocks taken from glibc's main heap; freed, they stay in that heap (and in RSS) for the life of the process. Served
/// by <c>mmap</c> instead (glibc's <c>M_MMAP_THRESHOLD</c> at 32 KB), they go back to the system when freed: 72 → 3 MB
/// of heap after start-up (measured: bench/fixes.md). Must run before the SDK is first used; an explicit
/// <c>MALLOC_MMAP_THRESHOLD_</c> in the environment wins; elsewhere than glibc on Linux it does nothing.
/// </summary>
internal static class NativeHeap
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdBytes = 32 * 1024;

    public static void ReturnLargeBlocksWhenFreed()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null)
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThresholdOption, MmapThresholdBytes);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no such option): nothing to tune.
        }
    }

    // DllImport, not LibraryImport (which needs unsafe code in the project): two ints, nothing to marshal.
    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int option, int value);
}
