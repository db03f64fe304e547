using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Cds.Bench.Micro;

/// <summary>
/// CPU time per operation of one benchmark method, for a machine too loaded for wall-clock timing: the benchmark's
/// [GlobalSetup], a warm-up, then <c>count</c> calls on this thread; the process's CPU time (user + system, all threads)
/// over them ÷ <c>count</c>. Time the thread waits for a core is not counted.
///   Cds.Benchmarks --cpu-per-op JwtBenchmarks.ValidateToken 2000
///   Cds.Benchmarks --cpu-per-op ServicePathBenchmarks.Hook 500 Patient=nondli   (a [Params] property set first)
/// </summary>
internal static class CpuPerOp
{
    public static int Run(string target, int count, string? parameter = null)
    {
        var (typeName, methodName) = target.Split('.') is [var t, var m] ? (t, m) : throw new ArgumentException("Type.Method", nameof(target));
        var type = typeof(CpuPerOp).Assembly.GetTypes().Single(t => t.Name == typeName);
        var method = type.GetMethod(methodName) ?? throw new ArgumentException($"no method {methodName} on {typeName}", nameof(target));
        var instance = Activator.CreateInstance(type)!;
        if (parameter?.Split('=') is [var property, var value])
        {
            var info = type.GetProperty(property) ?? throw new ArgumentException($"no property {property} on {typeName}", nameof(parameter));
            info.SetValue(instance, Convert.ChangeType(value, info.PropertyType, CultureInfo.InvariantCulture));
        }

        Invoke(type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is { } setup && (setup.Targets is not { Length: > 0 } targets || targets.Contains(methodName))), instance);
        for (var i = 0; i < Math.Min(200, count); i++)
        {
            Call(method, instance);
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            Call(method, instance);
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{typeName}.{methodName}{(parameter is null ? string.Empty : $" [{parameter}]")}: {cpu.TotalMicroseconds / count:0.0} µs CPU per op, {wall.Elapsed.TotalMicroseconds / count:0.0} µs wall per op, {count} ops"));
        Invoke(type.GetMethods().Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null), instance);
        return 0;
    }

    private static void Invoke(IEnumerable<MethodInfo> methods, object instance)
    {
        foreach (var method in methods)
        {
            Call(method, instance);
        }
    }

    private static void Call(MethodInfo method, object instance)
    {
        switch (method.Invoke(instance, null))
        {
            case Task task:
                task.GetAwaiter().GetResult();
                break;
            case ValueTask valueTask:
                valueTask.GetAwaiter().GetResult();
                break;
        }
    }
}
