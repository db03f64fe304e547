using Cds.Service.Contract;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Security;

/// <summary>
/// CDS Hooks 2.0 "Trusting CDS Clients": every call carries a JWT signed with an asymmetric key of an allowlisted
/// issuer, addressed (<c>aud</c>) to the URL invoked, short-lived, and used once. Validated with JwtBearer.
/// </summary>
internal static partial class CdsSecurityExtensions
{
    public const string ClientPolicy = "cds-client";
    public const string CorsPolicy = "cds-browser-clients";
    private const string ReplayUnavailableKey = "cds.replay-store-unavailable";

    // Reading a token keeps no state in the handler: one for the service, not one per request.
    private static readonly JsonWebTokenHandler TokenReader = new();

    /// <summary>Only asymmetric algorithms: never <c>none</c>, never HMAC (CDS Hooks 2.0).</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    public static WebApplicationBuilder AddCdsSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<ClientKeyStore>();
        services.AddSingleton<FhirServerGuard>();
        services.AddHttpClient(ClientKeyStore.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<SecurityOptions>, ClientKeyStore, TimeProvider>((jwt, security, keys, time) =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = true;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = security.Value.Clients.Select(c => c.Issuer).ToArray(),
                    ValidateIssuer = true,
                    ValidateAudience = false, // checked against the URL invoked in OnTokenValidated
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ValidAlgorithms = Algorithms,
                    ClockSkew = security.Value.ClockSkew,
                    IssuerSigningKeyResolver = (_, token, kid, _) => keys.Keys((token as JsonWebToken)?.Issuer, kid),

                    // One clock for the whole service (TimeProvider), also for exp and nbf.
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return expires is { } exp && exp.ToUniversalTime() + parameters.ClockSkew >= now
                            && (notBefore is not { } nbf || nbf.ToUniversalTime() - parameters.ClockSkew <= now);
                    },
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = OnMessageReceivedAsync,
                    OnTokenValidated = OnTokenValidatedAsync,
                    OnAuthenticationFailed = OnAuthenticationFailed,
                    OnChallenge = OnChallengeAsync,
                };
            });

        services.AddSingleton<IAuthorizationHandler, CdsClientAuthorizationHandler>();
        services.AddAuthorizationBuilder().AddPolicy(ClientPolicy, p => p.AddRequirements(new CdsClientRequirement()));
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SecurityOptions>>((cors, security) =>
            cors.AddPolicy(CorsPolicy, p => p
                .WithOrigins([.. security.Value.AllowedOrigins])
                .WithMethods("GET", "POST", "OPTIONS")
                .WithHeaders("Authorization", "Content-Type", "Accept")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    public static WebApplication UseCdsSecurity(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cds.Service.Security");
        if (security.DevelopmentMode)
        {
            Log.DevelopmentMode(logger);
        }

        if (security.PublicBaseUrl is null)
        {
            // Only possible in the Development environment (SecurityOptionsValidator).
            Log.NoPublicBaseUrl(logger);
        }
        else if (security.Clients.Count == 0)
        {
            Log.NoClients(logger);
        }

        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static async Task OnMessageReceivedAsync(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return; // no token: the authorization policy decides (401 unless development mode)
        }

        // The shape first: a hostile token must never make the token library throw (that would be a 500).
        var token = header["Bearer ".Length..].Trim();
        if (JwtShape.Check(token) is { } shape)
        {
            Reject(context, null, shape);
            return;
        }

        JsonWebToken jwt;
        try
        {
            jwt = TokenReader.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            Reject(context, null, "the bearer token is not a readable JWT (" + e.GetType().Name + ")");
            return;
        }

        var keys = context.HttpContext.RequestServices.GetRequiredService<ClientKeyStore>();
        var client = keys.Client(jwt.Issuer);
        if (client is null)
        {
            Reject(context, jwt.Issuer, "the issuer is not a trusted client");
            return;
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            Reject(context, jwt.Issuer, "the JWT header has no kid");
            return;
        }

        // Keys come from the client's configured JWK Set only; a token pointing elsewhere is refused, never followed.
        if (jwt.TryGetHeaderValue<string>("jku", out var jku) && (client.JwksUrl is null || !Uri.TryCreate(jku, UriKind.Absolute, out var jkuUri) || jkuUri != client.JwksUrl))
        {
            Reject(context, jwt.Issuer, "the JWT's jku is not the client's registered JWK Set URL");
            return;
        }

        await keys.EnsureKeyAsync(jwt.Issuer, jwt.Kid, context.HttpContext.RequestAborted);
        context.Token = token;
    }

    private static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        var security = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (context.SecurityToken is not JsonWebToken jwt)
        {
            Reject(context, null, "not a JSON web token");
            return;
        }

        var expected = ExpectedAudiences(context.Request, security);
        if (!jwt.Audiences.Any(a => expected.Any(e => SameUrl(a, e))))
        {
            Reject(context, jwt.Issuer, "aud is not the URL invoked");
            return;
        }

        var now = time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat))
        {
            Reject(context, jwt.Issuer, "iat is missing");
            return;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (issuedAt > now + security.ClockSkew)
        {
            Reject(context, jwt.Issuer, "iat is in the future");
            return;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (expires - issuedAt > security.MaxTokenLifetime)
        {
            Reject(context, jwt.Issuer, "the token lives longer than allowed");
            return;
        }

        if (string.IsNullOrWhiteSpace(jwt.Id))
        {
            Reject(context, jwt.Issuer, "jti is missing");
            return;
        }

        var client = context.HttpContext.RequestServices.GetRequiredService<ClientKeyStore>().Client(jwt.Issuer);
        if (client is { Tenants.Count: > 0 }
            && !(jwt.TryGetPayloadValue<string>("tenant", out var tenant) && client.Tenants.Contains(tenant, StringComparer.Ordinal)))
        {
            Reject(context, jwt.Issuer, "the tenant is not allowed");
            return;
        }

        var replay = context.HttpContext.RequestServices.GetRequiredService<IReplayCache>();
        switch (await replay.TryRecordAsync(jwt.Issuer, jwt.Id, expires + security.ClockSkew, context.HttpContext.RequestAborted))
        {
            case ReplayVerdict.Replay:
                Reject(context, jwt.Issuer, "jti was used before (replay)");
                break;
            case ReplayVerdict.Unavailable:
                // Not a 401: the token may be fine. The challenge answers 503 with Retry-After (see OnChallengeAsync).
                context.HttpContext.Items[ReplayUnavailableKey] = true;
                Reject(context, jwt.Issuer, "the replay store cannot be reached; answered 503");
                break;
        }
    }

    private static Task OnAuthenticationFailed(AuthenticationFailedContext context)
    {
        // IdentityModel hides PII in its messages by default; the exception type says enough. Failing here also keeps an
        // exception thrown while reading a token from escaping as a 500 (the shape check should have caught it).
        Log.Rejected(Logger(context.HttpContext), LogText.Safe(context.Request.Path.Value), null, context.Exception.GetType().Name);
        context.Fail(context.Exception.GetType().Name);
        return Task.CompletedTask;
    }

    private static async Task OnChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.HttpContext.Items.ContainsKey(ReplayUnavailableKey))
        {
            await StoreDownAnswer.WriteAsync(context.HttpContext, "The service cannot check the token's jti against replay right now; retry after the Retry-After delay.");
            return;
        }

        // 401 without any detail of why (CDS Hooks best practice); the reason is in the log.
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problem.Result(StatusCodes.Status401Unauthorized, "login", "Authentication required.").ExecuteAsync(context.HttpContext);
    }

    private static void Reject(ResultContext<JwtBearerOptions> context, string? issuer, string reason)
    {
        Log.Rejected(Logger(context.HttpContext), LogText.Safe(context.Request.Path.Value), LogText.Safe(issuer), reason);
        context.Fail(reason);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cds.Service.Security");

    // aud must be the URL of the endpoint invoked; for feedback, the service's URL is accepted as well.
    private static List<string> ExpectedAudiences(HttpRequest request, SecurityOptions security)
    {
        var baseUrl = PublicBaseUrl.For(request, security).AbsoluteUri.TrimEnd('/');
        var path = request.Path.Value ?? string.Empty;
        var audiences = new List<string> { baseUrl + path };
        if (path.EndsWith("/feedback", StringComparison.Ordinal))
        {
            audiences.Add(baseUrl + path[..^"/feedback".Length]);
        }

        return audiences;
    }

    private static bool SameUrl(string a, string b) =>
        Uri.TryCreate(a.TrimEnd('/'), UriKind.Absolute, out var x) && Uri.TryCreate(b.TrimEnd('/'), UriKind.Absolute, out var y)
        && Uri.Compare(x, y, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.Ordinal) == 0;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "DEVELOPMENT MODE: CDS Hooks calls without a valid JWT are ACCEPTED and fhirServer may be any http(s) URL, loopback included. For local sandboxes only; never in production (Cds:Security:DevelopmentMode).")]
        public static partial void DevelopmentMode(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "No trusted CDS clients are configured (Cds:Security:Clients): every CDS Hooks call will be refused with 401.")]
        public static partial void NoClients(ILogger logger);

        [LoggerMessage(4, LogLevel.Warning, "Cds:Security:PublicBaseUrl is not set: in the Development environment the URL each request was sent to (its Host header) is used for the JWT aud check and the cards' links. Set it anywhere real.")]
        public static partial void NoPublicBaseUrl(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "Refused a call to {Path} from issuer {Issuer}: {Reason}")]
        public static partial void Rejected(ILogger logger, string path, string? issuer, string reason);
    }
}

/// <summary>A caller that is a trusted CDS client, or anyone in development mode.</summary>
internal sealed class CdsClientRequirement : IAuthorizationRequirement;

internal sealed class CdsClientAuthorizationHandler(IOptionsMonitor<SecurityOptions> options) : AuthorizationHandler<CdsClientRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CdsClientRequirement requirement)
    {
        if (options.CurrentValue.DevelopmentMode || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
