using Cds.Service.Hooks;
using Cds.Service.Ledger;
using Cds.Service.Security;

namespace Cds.Service.Hosting;

/// <summary>
/// The service's registrations, in one place: what Program.cs composes, and what the benchmarks compose so that they
/// measure the service as it runs.
/// </summary>
internal static class ServiceComposition
{
    public static WebApplicationBuilder AddCdsService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCdsServices();
        builder.AddTelemetry();
        builder.AddCdsSecurity();
        builder.AddLedger();
        builder.AddDtr();
        return builder;
    }
}
