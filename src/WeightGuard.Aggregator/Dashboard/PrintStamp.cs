using System.Globalization;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// The part of the print stylesheet that changes with time: every printed page's margin says when the page was printed
/// (the time the browser loaded it) and which page of how many it is. Served apart from the static stylesheet so that the
/// static one can be cached; pages carry no inline styles (the Content-Security-Policy allows none).
/// </summary>
public static class PrintStamp
{
    /// <summary>The stylesheet for a page loaded at <paramref name="now"/>.</summary>
    public static string Stylesheet(DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture, $$"""
        @page {
          size: A4;
          margin: 14mm 12mm 16mm;
          @bottom-left { content: "WeightGuard, printed {{now.UtcDateTime:yyyy-MM-dd HH:mm}} UTC"; font: 8pt system-ui, sans-serif; color: #4a4a4a; }
          @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #4a4a4a; }
        }
        """);
}
