# DLI coverage CDS service (CDS Hooks 2.0 / Da Vinci CRD), Medical Policy 45.03.
#
#   docker build -t dli-coverage-cds .
#   docker run --rm -p 8080:8080 -v dli-data:/data \
#     -v "$PWD/appsettings.Production.json:/app/appsettings.Production.json:ro" dli-coverage-cds
#
# Configuration: environment variables (Cds__Security__Clients__0__Issuer=...) or a mounted
# /app/appsettings.Production.json. See docs/operations.md.

# ---- build: the SDK restores and publishes; nothing of it reaches the runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Restore first, from the project files only, so the package layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/FhirMapping/FhirMapping.csproj src/FhirMapping/
COPY src/CdsService/CdsService.csproj src/CdsService/
RUN dotnet restore src/CdsService/CdsService.csproj

# The sources, discovery document and samples (the sandbox page embeds samples/*.json and samples/patients/*.json).
COPY cds-services.json ./
COPY samples/ samples/
COPY src/ src/
RUN dotnet publish src/CdsService/CdsService.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# ---- runtime: ASP.NET Core only, as the image's non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# The data directory (Cds:DataDirectory): the embedded SQLite ledger of a single instance, and the ledger spool of
# each instance when the ledger is PostgreSQL (ConnectionStrings__Ledger). Owned by the non-root user.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data

# GC: server GC with DATAS (dynamic adaptation of the heap count), as in the service's runtimeconfig (CdsService.csproj).
# Chosen by peak RSS (VmHWM) of the Release service under wrk on a shared 2-core machine (issue 14, bench/fixes.md):
#   heavy c32 5 s + typical c32 5 s: server+DATAS 428 MB, GCConserveMemory=7 418 MB, workstation 475 MB,
#   GCHeapCount=1 620 MB, GCHeapHardLimit=160 MB aborted out of memory (so: no hard limit);
#   typical c32 4 s + heavy c8 6 s: server+DATAS 299 MB, GCConserveMemory=5 352 MB, workstation 323 MB,
#   workstation non-concurrent 360 MB.
# Request bodies are bounded by Cds:MaxBodyBytesInFlight (16 MB) and parsed only inside the Cds:MaxConcurrentHooks
# slots, a call taking one slot per Cds:BodyBytesPerHookSlot (512 KB) of body. In the third round (bench/fixes.md) the
# heap grew with what each heavy call allocates (~40 MB) more than with what is live, and none of the GC knobs tried
# (gen0 size, GCConserveMemory, a heap hard limit, workstation GC, one heap) moved the peak beyond the noise:
# bench/peak-rss.sh (heavy c32 then typical c32) peaks at 292-312 MB.
ENV DOTNET_gcServer=1 \
    DOTNET_GCDynamicAdaptationMode=1

# Sockets: a completed socket operation runs its continuation on the epoll thread that saw it instead of being queued
# to the thread pool first (one thread wake-up less per receive); Kestrel still hands each request to the pool. Its
# UnsafePreferInlineScheduling stays off: no CPU gain and a worse p99 (the hook's CPU work would hold an epoll thread).
# Measured in the fourth round of issue 14 (bench/fixes.md): CPU per call of the Release service (/proc/PID/stat),
# median ratio to the same build without it over 3 interleaved series: typical c 8 0.86-1.02, non-DLI c 8 0.87-0.97,
# heavy c 1 0.93-1.03, 10 resources c 1 0.98-1.01; bench/deadline-load.sh passes (no call past the budget).
# It applies to the FHIR client's sockets too (no-prefetch calls): src/CdsService has no sync-over-async wait (Wait,
# Result, GetResult) that could then hold an epoll thread.
ENV DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1

ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Cds__DataDirectory=/data \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true \
    Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ" \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

COPY --from=build /app ./

USER $APP_UID
EXPOSE 8080

# Liveness without curl or wget (the base image has neither): bash opens the port and asks /alive.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /alive HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "Cds.Service.dll"]
