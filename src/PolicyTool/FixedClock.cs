namespace Cds.PolicyTool;

/// <summary>A clock stopped at noon UTC of one day: <c>--today</c>, to decide as the service would have on that day.</summary>
internal sealed class FixedClock(DateOnly today) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
