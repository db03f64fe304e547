namespace Cds.PolicyTool;

/// <summary>Input the tool cannot use (a missing file, invalid JSON, an unknown option …): printed as one line, exit code 2.</summary>
internal sealed class ToolInputException : Exception
{
    public ToolInputException()
    {
    }

    public ToolInputException(string message)
        : base(message)
    {
    }

    public ToolInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
