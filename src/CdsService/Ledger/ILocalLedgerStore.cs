namespace Cds.Service.Ledger;

/// <summary>
/// A store on this machine whose commit is durable against a crash of the process but not against a power loss (SQLite
/// in WAL with <c>synchronous=NORMAL</c>: a commit is in the OS page cache when it returns), and whose writes can be held
/// up for a while by its own upkeep (a WAL restart: a checkpoint pass inside the write gate and the commit after it,
/// each with an fsync). The writer uses both facts: a hook does not wait for its commit while the writes are held up, and
/// keeps a copy of its record in the spool instead, written as durably as a commit would have been (no fsync).
/// </summary>
internal interface ILocalLedgerStore
{
    /// <summary>True while the store's writes are held up by its upkeep.</summary>
    bool WritesHeld { get; }

    /// <summary>
    /// Runs <paramref name="held"/> each time the writes become held up (on the thread that holds them: it must be short
    /// and must not write to the store).
    /// </summary>
    void OnWritesHeld(Action held);

    /// <summary>
    /// Commits <paramref name="records"/> on the calling thread if the store can do so without waiting for anything (no
    /// other write in progress, the writes not held up): true when committed; false when it could not start (nothing
    /// written); throws when the write failed (nothing written). The writer uses it for a record that finds it idle, so
    /// that an unloaded hook commits its own record instead of handing it to the writer's thread and back.
    /// </summary>
    bool TryAppendNow(IReadOnlyList<HookCallRecord> records);
}
