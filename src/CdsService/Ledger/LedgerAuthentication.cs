using Cds.Service.Contract;
using Cds.Service.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Ledger;

/// <summary>
/// Who may read the ledger: holders of a token from the payer's identity provider (<c>Cds:Ledger:Authority</c>, its
/// OpenID Connect metadata and keys), addressed to <c>Cds:Ledger:Audience</c>, with <c>Cds:Ledger:RequiredScope</c> when
/// set. A separate JwtBearer scheme, <c>payer</c>: the EHRs' trust (the default scheme) never opens the ledger, and a
/// payer token never calls a hook. Without an authority the ledger endpoints refuse every call.
/// </summary>
internal static partial class LedgerAuthentication
{
    public const string Scheme = "payer";
    public const string ReaderPolicy = "ledger-reader";

    public static void AddLedgerAuthentication(IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(Scheme)
            .Configure<IOptions<LedgerOptions>, TimeProvider>((jwt, ledger, time) =>
            {
                var options = ledger.Value;
                jwt.Authority = options.Authority?.AbsoluteUri;
                jwt.Audience = options.Audience;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true, // the issuer of the authority's metadata
                    ValidateAudience = true,
                    ValidAudience = options.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ValidAlgorithms = CdsSecurityExtensions.Algorithms,
                    ClockSkew = TimeSpan.FromMinutes(1),
                    NameClaimType = "sub",
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return expires is { } exp && exp.ToUniversalTime() + parameters.ClockSkew >= now
                            && (notBefore is not { } nbf || nbf.ToUniversalTime() - parameters.ClockSkew <= now);
                    },
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnAuthenticationFailed = context =>
                    {
                        Log.Refused(Logger(context.HttpContext), LogText.Safe(context.Request.Path.Value, 200), context.Exception.GetType().Name);
                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await Problem.Result(StatusCodes.Status401Unauthorized, "login", "Authentication required.").ExecuteAsync(context.HttpContext);
                    },
                    OnForbidden = context =>
                        Problem.Result(StatusCodes.Status403Forbidden, "forbidden", "The token does not carry the scope the ledger requires.").ExecuteAsync(context.HttpContext),
                };
            });

        // The default scheme is the EHRs' (CDS Hooks JWTs). On the ledger's paths it hands over to the payer scheme, so a
        // payer token is not first tried (and refused, with a warning) as an EHR's.
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
            jwt.ForwardDefaultSelector = context => context.Request.Path.StartsWithSegments(LedgerEndpoints.BasePath, StringComparison.OrdinalIgnoreCase) ? Scheme : null);

        services.AddSingleton<IAuthorizationHandler, LedgerScopeHandler>();
        services.AddAuthorizationBuilder().AddPolicy(ReaderPolicy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new LedgerScopeRequirement()));
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cds.Service.Ledger.Access");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused a ledger call to {Path}: {Reason}")]
        public static partial void Refused(ILogger logger, string path, string reason);
    }
}

/// <summary>The token carries <see cref="LedgerOptions.RequiredScope"/> (when one is configured).</summary>
internal sealed class LedgerScopeRequirement : IAuthorizationRequirement;

internal sealed class LedgerScopeHandler(IOptions<LedgerOptions> options) : AuthorizationHandler<LedgerScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, LedgerScopeRequirement requirement)
    {
        var required = options.Value.RequiredScope;
        var granted = context.User.FindAll(c => c.Type is "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (context.User.Identity?.IsAuthenticated == true && (string.IsNullOrWhiteSpace(required) || granted.Contains(required, StringComparer.Ordinal)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
