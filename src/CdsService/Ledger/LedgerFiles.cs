namespace Cds.Service.Ledger;

/// <summary>
/// The ledger's files hold patient identifiers and answers: on Unix they are created owner-only (files 0600,
/// directories 0700) whatever the process umask, and files found with wider modes are narrowed at start.
/// </summary>
internal static class LedgerFiles
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and its parents) owner-only if missing; narrows it to 0700 if it is ours and wider.</summary>
    public static void EnsurePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, PrivateDirectory);
            return;
        }

        Narrow(path, PrivateDirectory);
    }

    /// <summary>Options for a new file only the owner can read and write.</summary>
    public static FileStreamOptions NewPrivateFile(FileMode mode = FileMode.Create)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 4096,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        return options;
    }

    /// <summary>
    /// Makes sure <paramref name="path"/> exists and is 0600 before another library (SQLite) opens it: SQLite gives its
    /// <c>-wal</c> and <c>-shm</c> files the mode of the database file.
    /// </summary>
    public static void EnsurePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, NewPrivateFile(FileMode.CreateNew));
            return;
        }

        Narrow(path, PrivateFile);
    }

    /// <summary>Narrows an existing file to 0600 (a leftover <c>-wal</c> from an older build, say).</summary>
    public static void NarrowIfExists(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            Narrow(path, PrivateFile);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Narrow(string path, UnixFileMode allowed)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & ~allowed) != 0)
            {
                File.SetUnixFileMode(path, mode & allowed);
            }
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours (an operator's mount point, say): its owner decides its mode.
        }
    }
}
