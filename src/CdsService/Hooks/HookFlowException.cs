namespace Cds.Service.Hooks;

/// <summary>
/// An unexpected exception inside the hook flow, with what the flow had found so far: the endpoint puts the call on
/// record with it, then lets the original exception reach the exception handler (500).
/// </summary>
internal sealed class HookFlowException : Exception
{
    public HookFlowException()
    {
    }

    public HookFlowException(string message)
        : base(message)
    {
    }

    public HookFlowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HookFlowException(HookTrace trace, Exception innerException)
        : base("The hook flow failed unexpectedly.", innerException)
    {
        Trace = trace;
    }

    public HookTrace Trace { get; } = HookTrace.Empty;
}
