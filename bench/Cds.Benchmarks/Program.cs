using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet Cds.Benchmarks.dll --filter '*' [--artifacts DIR]   (any BenchmarkDotNet option)
// dotnet Cds.Benchmarks.dll --cpu-per-op Type.Method COUNT [Param=Value]   (CPU time per op, for a loaded machine)
// dotnet Cds.Benchmarks.dll --stage-cost PATIENT COUNT   (bytes allocated and CPU per call of each stage of a hook)
// dotnet Cds.Benchmarks.dll --ledger-latency DIR WRITERS SECONDS THINK_MS [dli|no-policy-order]   (the ledger's write wait distribution)
// Short runs (3 warm-ups, 3 iterations, one launch) in process, with the memory diagnoser (the default exporters write GitHub markdown tables):
// bench/run.sh must finish in about 15 minutes on 2 cores. Without an in-process toolchain BenchmarkDotNet would build
// a generated project under this repository's build rules.
if (args is ["--ledger-latency", var directory, var writers, var seconds, var think, .. var call] && call.Length <= 1)
{
    var number = System.Globalization.CultureInfo.InvariantCulture;
    return await Cds.Bench.Micro.LedgerLatency.RunAsync(directory, int.Parse(writers, number), int.Parse(seconds, number), int.Parse(think, number), call.FirstOrDefault() ?? "dli");
}

if (args is ["--stage-cost", var patient, var calls])
{
    return await Cds.Bench.Micro.StageCost.RunAsync(patient, int.Parse(calls, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["--cpu-per-op", var target, var count, .. var rest] && rest.Length <= 1)
{
    return Cds.Bench.Micro.CpuPerOp.Run(target, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), rest.FirstOrDefault());
}

var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Brief); // read by Cds.BenchReport for the breakdown of a hook's time
BenchmarkSwitcher.FromAssembly(typeof(Cds.Bench.Micro.Corpora).Assembly).Run(args, config);
return 0;
