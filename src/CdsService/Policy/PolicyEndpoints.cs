using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Contract;

namespace Cds.Service.Policy;

/// <summary>
/// <c>GET /policies</c>: the policies that serve now, each with its revision (id, version, effective date, next review,
/// SHA-256 of the file, file name) and the service codes it governs. <c>GET /policies/{id}</c>: a readable page of one
/// policy's criteria, the target of the cards' policy link by default. Neither holds anything private.
/// </summary>
internal static class PolicyEndpoints
{
    public static IEndpointRouteBuilder MapPolicyPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/policies", (PolicyLibrary library, TimeProvider timeProvider) =>
        {
            var set = library.Current;
            var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
            var list = new JsonArray();
            foreach (var engine in set.Policies)
            {
                var (policy, revision) = (engine.Policy, engine.Revision);
                list.Add(new JsonObject
                {
                    ["id"] = policy.Id,
                    ["title"] = policy.Title,
                    ["policyNumber"] = policy.Document.PolicyNumber,
                    ["insurer"] = policy.Insurer,
                    ["version"] = revision.Version,
                    ["effective"] = revision.EffectiveText,
                    ["nextReview"] = policy.Document.NextReview,
                    ["reviewOverdue"] = revision.ReviewOverdue(today),
                    ["sha256"] = revision.Sha256,
                    ["source"] = revision.Source,
                    ["serviceCodes"] = new JsonArray([.. policy.BillingCodes.Select(c => (JsonNode)$"{c.System}|{c.Code}")]),
                });
            }

            var body = new JsonObject
            {
                ["loadedAt"] = set.LoadedAt.ToString("O", CultureInfo.InvariantCulture),
                ["policies"] = list,
            };
            return TypedResults.Json(body, CdsJsonContext.Default.JsonObject);
        });

        app.MapGet("/policies/{id}", (string id, string? version, PolicyLibrary library) =>
        {
            if (library.Current.Find(id) is not { } engine)
            {
                return Results.NotFound();
            }

            var (policy, revision) = (engine.Policy, engine.Revision);
            var html = new StringBuilder();
            html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .Append(WebUtility.HtmlEncode($"Medical Policy {policy.Document.PolicyNumber}"))
                .Append("</title></head><body><h1>")
                .Append(WebUtility.HtmlEncode($"{policy.Insurer} Medical Policy {policy.Document.Section} {policy.Document.PolicyNumber}"))
                .Append("</h1><p>")
                .Append(WebUtility.HtmlEncode($"{policy.Title} (effective {policy.Document.Effective}, version {revision.Version}, sha256 {revision.Sha256})"))
                .Append("</p>");
            if (version is not null && !string.Equals(version, revision.Version, StringComparison.Ordinal))
            {
                // A card's link names the revision that decided; say so when another one serves now.
                html.Append("<p><strong>")
                    .Append(WebUtility.HtmlEncode($"This link was issued for version {version}; version {revision.Version} serves now."))
                    .Append("</strong></p>");
            }

            html.Append("<dl>");
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
