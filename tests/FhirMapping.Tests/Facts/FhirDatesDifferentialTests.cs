using System.Globalization;
using System.Text.Json;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Facts.Reference;
using Cds.FhirMapping.Tests.Reading;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// The hand reader of the common FHIR date shapes changed no date (issue #14, fourth round): over every string the
/// repository's resources hold, each that looks like a date cut and with each character replaced, and dates and times
/// generated over the edges of every component's range, <see cref="FhirDates.Read(string)"/> gives exactly what the reader as it was
/// gives (<see cref="ReferenceFhirDates"/>: the general parsers): the same days, precision, instant and offset.
/// </summary>
public sealed class FhirDatesDifferentialTests
{
    private static readonly char[] Replacements = ['0', '1', '2', '5', '9', '-', ':', '+', '.', 'T', 't', 'Z', 'z', ' ', '/', 'x', '\u0663'];

    [Fact]
    public void GivenEveryStringAndItsVariants_WhenReadAsADate_ThenTheResultIsTheFormerReaders()
    {
        // Arrange
        var strings = Strings().Distinct(StringComparer.Ordinal).ToList();

        // Act
        var expected = strings.ConvertAll(s => Outcome(ReferenceFhirDates.Read, s));
        var differ = strings.Where((s, i) => Outcome(FhirDates.Read, s) != expected[i]).Take(20).ToList();
        var times = expected.Count(e => e.Contains("|Time|", StringComparison.Ordinal));
        var days = expected.Count(e => e.Contains("|Day|", StringComparison.Ordinal));

        // Assert: the same answers, and strings that read as times, as days and as nothing.
        Assert.True(differ.Count == 0, string.Join('\n', differ.Select(s => $"{s}: former {Outcome(ReferenceFhirDates.Read, s)}, shipped {Outcome(FhirDates.Read, s)}")));
        Assert.True(times >= 1_000, $"only {times} times");
        Assert.True(days >= 1_000, $"only {days} days");
        Assert.True(strings.Count - times - days >= 10_000, $"only {strings.Count - times - days} strings that are no date");
    }

    // What the reader gives, or the exception it throws ("9999-12" overflows the month's last day, as it did).
    private static string Outcome(Func<string?, EffectiveTime?> read, string value)
    {
        try
        {
            return Shown(read(value));
        }
        catch (ArgumentOutOfRangeException e)
        {
            return "threw " + e.GetType().Name;
        }
    }

    // Every field, the instant's ticks and offset included (DateTimeOffset equality compares instants only).
    private static string Shown(EffectiveTime? time) => time is null
        ? "null"
        : string.Create(CultureInfo.InvariantCulture, $"{time.First:O}|{time.Last:O}|{time.Precision}|{time.Instant?.Ticks}|{time.Instant?.Offset}");

    private static IEnumerable<string> Strings()
    {
        var seeds = new List<string>();
        foreach (var (_, json) in FhirReadCorpus.Resources)
        {
            using var document = JsonDocument.Parse(json);
            Collect(document.RootElement, seeds);
        }

        foreach (var generated in Generated())
        {
            yield return generated;
        }

        foreach (var seed in seeds.Distinct(StringComparer.Ordinal))
        {
            yield return seed;
            // Only what looks like a date is cut and varied: four digits and a dash.
            if (seed.Length is < 7 or > 40 || seed.AsSpan(0, 4).ContainsAnyExceptInRange('0', '9') || seed[4] != '-')
            {
                continue;
            }

            for (var cut = 4; cut < seed.Length; cut++)
            {
                yield return seed[..cut];
            }

            for (var i = 0; i < seed.Length; i++)
            {
                foreach (var c in Replacements)
                {
                    yield return string.Concat(seed.AsSpan(0, i), c.ToString(), seed.AsSpan(i + 1));
                }
            }
        }
    }

    // Dates and times at the edges of every component's range, with each fraction length and offset.
    private static IEnumerable<string> Generated()
    {
        foreach (var year in new[] { "0001", "0002", "1999", "2000", "2023", "2024", "2100", "9998", "9999" })
        {
            foreach (var (month, day) in new[] { ("01", "01"), ("02", "28"), ("02", "29"), ("02", "30"), ("04", "30"), ("04", "31"), ("12", "31"), ("13", "01"), ("00", "10"), ("06", "00") })
            {
                var date = $"{year}-{month}-{day}";
                yield return date;
                foreach (var time in new[] { "00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "07:05:03" })
                {
                    foreach (var fraction in new[] { string.Empty, ".", ".1", ".12", ".123", ".1234567", ".12345678", ".9999999" })
                    {
                        foreach (var offset in new[] { "Z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00", "-14:00", "+14:01", "+13:59", "-12:60", "+1:00", "z", string.Empty })
                        {
                            yield return $"{date}T{time}{fraction}{offset}";
                        }
                    }
                }
            }
        }
    }

    private static void Collect(JsonElement element, List<string> strings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                // A test of bad input may hold a lone surrogate escape: no string to read.
                if (!element.GetRawText().Contains("\\ud", StringComparison.OrdinalIgnoreCase))
                {
                    strings.Add(element.GetString()!);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, strings);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, strings);
                }

                break;
        }
    }
}
