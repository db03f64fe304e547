namespace Cds.Service.Sandbox;

/// <summary>The built-in sandbox page on <c>GET /</c> (section <c>Cds:Sandbox</c>).</summary>
internal sealed class SandboxOptions
{
    public const string SectionName = "Cds:Sandbox";

    /// <summary>
    /// Serve the page and its sample endpoints. When not set: on in the Development environment, off elsewhere.
    /// The page only reads shipped, synthetic samples; its hook calls go through the same JWT trust as any client's.
    /// </summary>
    public bool? Enabled { get; set; }

    public bool IsEnabled(IHostEnvironment environment) => Enabled ?? environment.IsDevelopment();
}
