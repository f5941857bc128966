using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// The step between asking for a consequential change (re-baselining a host's PCRs, revoking a host) and making it: what
/// will change, shown in full, and a form that posts the change with <c>confirmed=yes</c>. The routes that make such a
/// change answer with this page whenever the form does not carry that field, so no single click or forged link does it.
/// </summary>
public static class ConfirmPage
{
    /// <summary>The form field that marks a confirmed change.</summary>
    public const string Field = "confirmed";

    /// <summary>True when the posted form confirms the change.</summary>
    public static bool Confirmed(IFormCollection form) => form[Field] == "yes";

    /// <summary>
    /// Renders the page titled <paramref name="title"/>: <paramref name="body"/> says what will change; the form posts to
    /// <paramref name="action"/> with <paramref name="fields"/>; <paramref name="cancel"/> is where "Cancel" leads.
    /// </summary>
    public static HtmlPage Render(HttpContext http, string title, Markup body, string action, IEnumerable<(string Name, string Value)> fields, string button,
        string cancel) => new(Layout.Page(http, title, Html($"""
        <h1>{title}</h1>
        {body}
        <form method="post" action="{action}" class="confirm">{Layout.AntiforgeryField(http)}
        {Join(fields.Select(f => Html($"<input type=\"hidden\" name=\"{f.Name}\" value=\"{f.Value}\">")))}
        <input type="hidden" name="{Field}" value="yes">
        <button type="submit">{button}</button> <a href="{cancel}">Cancel</a>
        </form>
        """)));
}
