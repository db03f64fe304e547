using System.Net;
using System.Text;

namespace Cds.Service.Policy;

/// <summary>A readable page of the policy's criteria, the target of the cards' policy link by default.</summary>
internal static class PolicyEndpoints
{
    public static IEndpointRouteBuilder MapPolicyPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/policies/{id}", (string id, CoverageEngine engine) =>
        {
            var policy = engine.Policy;
            if (!string.Equals(id, policy.Id, StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            var html = new StringBuilder();
            html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .Append(WebUtility.HtmlEncode($"Medical Policy {policy.Document.PolicyNumber}"))
                .Append("</title></head><body><h1>")
                .Append(WebUtility.HtmlEncode($"{policy.Insurer} Medical Policy {policy.Document.Section} {policy.Document.PolicyNumber}"))
                .Append("</h1><p>")
                .Append(WebUtility.HtmlEncode($"{policy.Title} (effective {policy.Document.Effective})"))
                .Append("</p><dl>");
            foreach (var criterion in policy.Document.Criteria)
            {
                html.Append("<dt>").Append(WebUtility.HtmlEncode(criterion.Label)).Append("</dt><dd>")
                    .Append(WebUtility.HtmlEncode(criterion.Text)).Append("</dd>");
            }

            html.Append("</dl><p>")
                .Append(WebUtility.HtmlEncode($"Criterion {policy.Rule.Id} requires {policy.Rule.Combinator} of {string.Join(", ", policy.Rule.Of)}."))
                .Append("</p><h2 id=\"documentation\">What to attach for coverage review</h2><ul>");
            foreach (var item in policy.Document.Documentation)
            {
                html.Append("<li><strong>").Append(WebUtility.HtmlEncode(item.Label)).Append("</strong>: ")
                    .Append(WebUtility.HtmlEncode(item.How)).Append("</li>");
            }

            html.Append("</ul></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        });
        return app;
    }
}
