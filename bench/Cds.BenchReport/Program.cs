using System.Globalization;
using System.Text;
using System.Text.Json;
using Cds.Bench.Report;

// Cds.BenchReport --out DIR --report BENCHMARKS.md
// Reads DIR/meta.env, DIR/results.jsonl, DIR/corpus/*.json and DIR/bdn/results/*-report-github.md (all written by
// bench/run.sh) and writes the report. Every number in it comes from those files.
string? outDir = null;
string? reportPath = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--out":
            outDir = args[i + 1];
            break;
        case "--report":
            reportPath = args[i + 1];
            break;
    }
}

if (outDir is null || reportPath is null)
{
    Console.Error.WriteLine("usage: Cds.BenchReport --out DIR --report FILE");
    return 2;
}

var results = Results.Load(outDir);

// A report is written from complete, clean runs only: a failed run never becomes a figure.
if (results.Problems() is { Count: > 0 } problems)
{
    Console.Error.WriteLine($"Cds.BenchReport: refusing to write {reportPath}: the runs in {outDir} are incomplete or failed:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("  - " + problem);
    }

    return 1;
}

var markdown = new ReportWriter(results).Write();

// The fixes made for missed targets, with the figures before and after them: a committed, dated record (each figure
// taken from BENCHMARKS.md as this command wrote it at the commit named), appended as it is.
var history = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, "bench", "fixes.md");
if (File.Exists(history))
{
    markdown = markdown.TrimEnd() + "\n\n" + await File.ReadAllTextAsync(history) + "\n";
}
await File.WriteAllTextAsync(reportPath, markdown, new UTF8Encoding(false));
Console.WriteLine($"wrote {reportPath}");
return 0;

namespace Cds.Bench.Report
{
    /// <summary>One wrk run's figures (bench/scripts/post.lua).</summary>
    internal sealed record WrkStats(
        long Requests,
        double Seconds,
        double Rps,
        long Bytes,
        double MeanUs,
        double P50Us,
        double P90Us,
        double P99Us,
        double MaxUs,
        long ConnectErrors,
        long ReadErrors,
        long WriteErrors,
        long StatusErrors,
        long Timeouts,
        long TokensUsed = 0,
        long TokensExhausted = 0)
    {
        public long Errors => ConnectErrors + ReadErrors + WriteErrors + StatusErrors + Timeouts;
    }

    /// <summary>One wrk run and the CPU time (utime + stime, clock ticks) the server process spent during it.</summary>
    internal sealed record WrkRun(string Phase, string Server, string Corpus, int Conns, int Run, long CpuTicks, long SystemTicks, WrkStats Stats);

    /// <summary>One BenchmarkDotNet case (from the brief JSON export): mean time and bytes allocated per call.</summary>
    internal sealed record MicroStat(string Type, string Method, string Parameters, double MeanNs, long BytesPerOp);

    internal sealed record RssSample(string Process, string Phase, long VmHwmKb, long VmRssKb);

    /// <summary>min / median / max of repeated runs.</summary>
    internal readonly record struct Spread(double Min, double Median, double Max, int Count)
    {
        public static Spread Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            if (sorted.Count == 0)
            {
                return new Spread(double.NaN, double.NaN, double.NaN, 0);
            }

            var mid = sorted.Count / 2;
            var median = sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            return new Spread(sorted[0], median, sorted[^1], sorted.Count);
        }

        public string Format(string format) => Count == 0 ? "—"
            : Count == 1 ? Median.ToString(format, CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{Min.ToString(format, CultureInfo.InvariantCulture)} / **{Median.ToString(format, CultureInfo.InvariantCulture)}** / {Max.ToString(format, CultureInfo.InvariantCulture)}");
    }

    internal sealed class Results
    {
        private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        public Dictionary<string, string> Meta { get; } = new(StringComparer.Ordinal);

        public List<WrkRun> Runs { get; } = [];

        public List<RssSample> Rss { get; } = [];

        public Dictionary<string, (int Resources, long Bytes)> Corpora { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> ResponseBytes { get; } = new(StringComparer.Ordinal);

        /// <summary>Entries per prefetch key of each corpus (for the pages the fake EHR serves).</summary>
        public Dictionary<string, Dictionary<string, int>> KeyCounts { get; } = new(StringComparer.Ordinal);

        public List<(string Name, string Markdown)> Micro { get; } = [];

        public List<MicroStat> MicroStats { get; } = [];

        public string OutDir { get; private init; } = string.Empty;

        /// <summary>bench/deadline-load.sh's exit status (0: no call past the budget + 10 %), when it ran.</summary>
        public int? DeadlineExitStatus { get; private set; }

        /// <summary>The phases run.sh ran (BENCH_ONLY).</summary>
        public IReadOnlySet<string> Phases => Meta.GetValueOrDefault("only", "micro,prefetch,scaling,noprefetch,signed,deadline")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        public double TicksPerSecond => double.Parse(Meta.GetValueOrDefault("ticks_per_second", "100"), CultureInfo.InvariantCulture);

        public int RunsPerConfiguration => int.Parse(Meta.GetValueOrDefault("runs", "3"), CultureInfo.InvariantCulture);

        /// <summary>
        /// Why these results cannot be reported: a run with errors or too few tokens, a configuration of a phase that ran
        /// with fewer runs than asked, a micro benchmark the report needs that did not run. Empty when all is well.
        /// </summary>
        public List<string> Problems()
        {
            var problems = new List<string>();
            foreach (var run in Runs.Where(r => r.Stats.Errors > 0 || r.Stats.TokensExhausted > 0 || r.Stats.Requests == 0))
            {
                problems.Add($"{run.Phase} {run.Server} {run.Corpus} c{run.Conns} run {run.Run}: {run.Stats.Requests} requests, {run.Stats.StatusErrors} non-2xx, {run.Stats.Timeouts} timeouts, "
                    + $"{run.Stats.ConnectErrors + run.Stats.ReadErrors + run.Stats.WriteErrors} socket errors, {run.Stats.TokensExhausted} requests without a token (pool too small: raise BENCH_JWT_RATE)");
            }

            foreach (var run in Runs.Where(r => r.CpuTicks < 0))
            {
                problems.Add($"{run.Phase} {run.Server} {run.Corpus} c{run.Conns} run {run.Run}: no CPU time recorded");
            }

            foreach (var (phase, server, corpus, conns) in Expected())
            {
                var count = Select(phase, server, corpus, conns).Count();
                if (count < RunsPerConfiguration)
                {
                    problems.Add($"{phase} {server} {corpus} c{conns}: {count} of {RunsPerConfiguration} runs recorded");
                }
            }

            if (Phases.Contains("micro"))
            {
                foreach (var (type, method, parameters) in ReportWriter.MicroNeeded)
                {
                    if (Stat(type, method, parameters) is null)
                    {
                        problems.Add($"micro benchmark {type}.{method} ({parameters}) has no result (see bench/out/logs/bdn.log)");
                    }
                }
            }

            if (Phases.Contains("deadline") && DeadlineExitStatus is null)
            {
                problems.Add("deadline: bench/deadline-load.sh left no result");
            }

            if ((Phases.Contains("prefetch") || Phases.Contains("scaling") || Phases.Contains("noprefetch")) && !Rss.Any(r => r.Process == "service"))
            {
                problems.Add("no RSS sample of the service");
            }

            return problems;
        }

        private IEnumerable<(string Phase, string Server, string Corpus, int Conns)> Expected()
        {
            if (Phases.Contains("prefetch"))
            {
                foreach (var (corpus, conns) in ReportWriter.PrefetchConfigurations)
                {
                    yield return ("prefetch", "service", corpus, conns);
                    yield return ("prefetch", "baseline", corpus, conns);
                    if (ReportWriter.IssueRows.Any(r => r.Corpus == corpus && r.Conns == conns))
                    {
                        yield return ("prefetch", "parsefloor", corpus, conns);
                    }
                }
            }

            if (Phases.Contains("scaling"))
            {
                foreach (var corpus in Corpora.Keys.Where(c => c.StartsWith("scale", StringComparison.Ordinal)))
                {
                    yield return ("scaling", "service", corpus, 1);
                }
            }

            if (Phases.Contains("noprefetch"))
            {
                foreach (var corpus in new[] { "typical", "heavy" })
                {
                    yield return ("noprefetch", "service", corpus, 1);
                    yield return ("noprefetch", "service", corpus, 8);
                }
            }

            if (Phases.Contains("signed"))
            {
                foreach (var corpus in ReportWriter.SignedCorpora)
                {
                    yield return ("signed", "signed", corpus, 8);
                    yield return ("signed", "baseline", corpus, 8);
                }
            }
        }

        public static Results Load(string outDir)
        {
            var results = new Results { OutDir = outDir };
            foreach (var line in File.ReadLines(Path.Combine(outDir, "meta.env")))
            {
                if (line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
                {
                    results.Meta[line[..eq]] = line[(eq + 1)..];
                }
            }

            foreach (var line in File.ReadLines(Path.Combine(outDir, "results.jsonl")).Where(l => l.Length > 0))
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                switch (root.GetProperty("kind").GetString())
                {
                    case "wrk":
                        results.Runs.Add(new WrkRun(
                            root.GetProperty("phase").GetString()!,
                            root.GetProperty("server").GetString()!,
                            root.GetProperty("corpus").GetString()!,
                            root.GetProperty("conns").GetInt32(),
                            root.GetProperty("run").GetInt32(),
                            root.TryGetProperty("cpu_ticks", out var ticks) ? ticks.GetInt64() : -1,
                            root.TryGetProperty("system_ticks", out var system) ? system.GetInt64() : -1,
                            root.GetProperty("wrk").Deserialize<WrkStats>(SnakeCase)!));
                        break;
                    case "rss":
                        results.Rss.Add(new RssSample(
                            root.GetProperty("process").GetString()!,
                            root.GetProperty("phase").GetString()!,
                            root.GetProperty("vmhwm_kb").GetInt64(),
                            root.GetProperty("vmrss_kb").GetInt64()));
                        break;
                    case "corpus":
                        results.Corpora[root.GetProperty("name").GetString()!] = (root.GetProperty("resources").GetInt32(), root.GetProperty("bytes").GetInt64());
                        break;
                    case "deadline":
                        results.DeadlineExitStatus = root.GetProperty("exit_status").GetInt32();
                        break;
                    case "response":
                        results.ResponseBytes[root.GetProperty("name").GetString()!] = root.GetProperty("bytes").GetInt64();
                        break;
                }
            }

            foreach (var name in results.Corpora.Keys)
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "corpus", $"{name}.json")));
                results.KeyCounts[name] = document.RootElement.GetProperty("prefetch").EnumerateObject().ToDictionary(
                    p => p.Name,
                    p => p.Value.TryGetProperty("entry", out var entries) ? entries.GetArrayLength() : 1,
                    StringComparer.Ordinal);
            }

            var bdn = Path.Combine(outDir, "bdn", "results");
            if (Directory.Exists(bdn))
            {
                foreach (var file in Directory.GetFiles(bdn, "*-report-github.md").Order(StringComparer.Ordinal))
                {
                    var name = Path.GetFileName(file).Replace("-report-github.md", string.Empty, StringComparison.Ordinal);
                    results.Micro.Add((name[(name.LastIndexOf('.') + 1)..], File.ReadAllText(file)));
                }

                foreach (var file in Directory.GetFiles(bdn, "*-report-brief.json"))
                {
                    using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                    foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
                    {
                        // A benchmark that failed has no statistics: it is left out, and Problems() names it if it is needed.
                        if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }

                        results.MicroStats.Add(new MicroStat(
                            benchmark.GetProperty("Type").GetString()!,
                            benchmark.GetProperty("Method").GetString()!,
                            benchmark.GetProperty("Parameters").GetString() ?? string.Empty,
                            benchmark.GetProperty("Statistics").GetProperty("Mean").GetDouble(),
                            benchmark.TryGetProperty("Memory", out var memory) ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64() : 0));
                    }
                }
            }

            return results;
        }

        public MicroStat? Stat(string type, string method, string parameters) =>
            MicroStats.FirstOrDefault(m => m.Type == type && m.Method == method && m.Parameters == parameters);

        public IEnumerable<WrkRun> Select(string phase, string server, string corpus, int conns) =>
            Runs.Where(r => r.Phase == phase && r.Server == server && r.Corpus == corpus && r.Conns == conns);
    }
}
