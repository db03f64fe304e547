namespace Cds.Service.Policy;

/// <summary>
/// A set of policy files that cannot serve together: a file that does not load (its name and the problem), two files
/// claiming one service code or one policy id (both names), or a folder with no policy file.
/// </summary>
internal sealed class PolicySetException : InvalidOperationException
{
    public PolicySetException(string message)
        : base(message)
    {
    }

    public PolicySetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PolicySetException()
    {
    }
}
