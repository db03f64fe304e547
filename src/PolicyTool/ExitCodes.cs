namespace Cds.PolicyTool;

/// <summary>The tool's exit codes: scripts and CI read them.</summary>
internal static class ExitCodes
{
    /// <summary>Decided (<c>decide</c>), or every case passed (<c>test</c>).</summary>
    public const int Ok = 0;

    /// <summary>At least one case's result differs from its expected file.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a missing file, invalid JSON, an invalid policy file or case, an unknown option.</summary>
    public const int BadInput = 2;
}
