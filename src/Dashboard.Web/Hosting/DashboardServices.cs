using System.Globalization;
using Dashboard.Core.Accounts;
using Dashboard.Data;
using Dashboard.Data.Accounts;
using Dashboard.Data.Demo;
using Dashboard.Data.Import;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Officers;
using Dashboard.Web.Components;
using Dashboard.Web.Features.Account;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Admin;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Features.Intake;
using Dashboard.Web.Features.Sla;
using Dashboard.Data.Dispatch;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Features.Metrics;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Features.Shell;
using Dashboard.Web.Features.Simulation;
using Dashboard.Web.Realtime;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

namespace Dashboard.Web.Hosting;

public static class DashboardServices
{
    /// <summary>Cookie for people, bearer for API clients; the policy scheme picks by the Authorization header.</summary>
    public const string AuthScheme = "Dashboard";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var config = builder.Configuration;

        services.Configure<DemoOptions>(config.GetSection(DemoOptions.Section));
        RefuseDemoInProduction(config, builder.Environment);
        services.Configure<AuthOptions>(config.GetSection(AuthOptions.Section));
        services.Configure<CultureOptions>(config.GetSection(CultureOptions.Section));
        services.Configure<MapOptions>(config.GetSection(MapOptions.Section));

        var database = ResolveDatabase(config, builder.Environment);
        DapperSetup.Register(database.Provider);
        services.AddSingleton(database);
        services.AddSingleton<DbConnectionFactory>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<JurisdictionRepository>();
        services.AddSingleton<ReferenceDataRepository>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<DemoCitySeeder>();
        services.AddSingleton<GeoJsonBoundaryImporter>();
        services.AddSingleton<IncidentRepository>();
        services.AddSingleton<CategoryRepository>();
        services.AddSingleton<PositionRepository>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardMetrics>();
        services.AddDashboardTelemetry(config);
        services.AddSingleton<CityDirectory>();
        services.AddSingleton<CityDirectoryLoader>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<DemoUsers>();
        services.AddSingleton<IncidentNotifier>();
        services.AddSingleton<IncidentSnapshots>();
        services.AddSingleton<OpenIncidents>();
        services.AddSingleton<IntakeService>();
        services.AddHostedService<HubRelay>();
        services.AddRedisScaleOut(config);
        services.AddSingleton(config.GetSection("Positions:Writer").Get<PositionWriterOptions>() ?? new PositionWriterOptions());
        services.AddSingleton<PositionWriter>();
        services.Configure<PositionFeedOptions>(config.GetSection(PositionFeedOptions.Section));
        services.AddSingleton<PositionFeed>();
        services.AddSingleton(new JitterFilter(config.GetSection("Positions:Filter").Get<JitterFilterOptions>() ?? new JitterFilterOptions()));
        services.AddSingleton<PositionIngest>();
        services.AddHostedService<PositionWriterHost>();
        services.Configure<DispatchOptions>(config.GetSection(DispatchOptions.Section));
        services.Configure<SlaOptions>(config.GetSection(SlaOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlaOptions>>().Value.ToPolicy());
        services.AddSingleton<DispatchRepository>();
        services.AddSingleton<Dashboard.Data.Metrics.MetricsRepository>();
        services.AddSingleton<HistoryGenerator>();
        services.AddSingleton<Dashboard.Data.Metrics.PortraitRepository>();
        services.AddSingleton<Features.Metrics.MetricsService>();
        services.AddScoped<Features.Metrics.MetricsExports>();
        services.AddSingleton<TaskBoard>();
        services.AddSingleton<RecommenderService>();
        services.AddSingleton<DispatchService>();
        services.AddSingleton<SlaMonitor>();
        services.AddScoped<OperatorActions>();
        // After PositionWriterHost: the recommender starts from the positions the feed has loaded.
        services.AddHostedService<DispatchHost>();
        services.Configure<SimulationOptions>(config.GetSection(SimulationOptions.Section));
        services.AddSingleton<SimulationSettings>();
        services.AddSingleton<SimulationAccounts>();
        services.AddSingleton<FieldSimulation>();
        // After DispatchHost: simulated officers read their tasks from the loaded board.
        services.AddHostedService<FieldSimulator>();
        // Enums travel by name ("Reported", not 0) so integrators can read the payloads.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        // Clients send only small method calls (scope codes, a seq); anything bigger is refused before it is parsed.
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 32 * 1024)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddOpenApi();
        services.Configure<RateLimitOptions>(config.GetSection(RateLimitOptions.Section));
        var limits = config.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                // Well-behaved clients (Traccar Client, our phones) wait as told instead of hammering at once.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(TypedResults.Problem(
                    title: "Too many requests: slow down and retry.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext));
            };
            o.AddPolicy(IntakeEndpoints.RateLimitPolicy, http => TokenBucket(
                "user:" + (http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous"), limits.IntakeBurst, limits.IntakePerMinute));
            o.AddPolicy(PositionEndpoints.RateLimitPolicy, http => TokenBucket(
                "user:" + (http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous"), limits.PositionsBurst, limits.PositionsPerMinute));
            // OsmAnd devices have no account: each device id gets its own bucket (one in a form body shares its address's bucket).
            o.AddPolicy(PositionEndpoints.OsmAndRateLimitPolicy, http => TokenBucket(
                http.Request.Query.TryGetValue("id", out var id) || http.Request.Query.TryGetValue("deviceid", out id)
                    ? "device:" + id.ToString()
                    : "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                limits.PositionsBurst,
                limits.PositionsPerMinute));
        });

        var auth = config.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddAuthentication(AuthScheme)
            .AddPolicyScheme(AuthScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                || (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query.ContainsKey("access_token"))
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "dashboard.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken(o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(auth.TokenHours);
                // Browsers cannot set headers on WebSockets, so hub clients may pass the token in the query string.
                o.Events.OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query.TryGetValue("access_token", out var token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // The UI is Chinese: emit CJK as text rather than numeric entities (pages a third the size).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents().AddInteractiveServerComponents();
        if (config.GetValue<bool>("Diagnostics:Memory"))
        {
            services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitCounter>();
        }

        // Alerts at the bottom left, over the queue's empty end, not over the drawer's header and buttons.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);
        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseSecurityHeaders(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MapOptions>>().Value);

        var cultures = CultureOptions.Supported.Select(c => new CultureInfo(c)).ToList();
        var defaultCulture = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CultureOptions>>().Value.Default;
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(defaultCulture),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            // Chinese unless the operator chose otherwise: the browser's language is deliberately not consulted.
            RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()],
        });

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment())
        {
            app.UseSwaggerUI(o =>
            {
                o.RoutePrefix = "api-docs";
                o.SwaggerEndpoint("/openapi/v1.json", "Dashboard API v1");
            });
        }

        app.MapHub<CommandHub>(CommandHub.Path);
        app.MapAccountEndpoints();
        app.MapIntakeEndpoints();
        app.MapIncidentEndpoints();
        app.MapDispatchEndpoints();
        app.MapCategoryEndpoints();
        app.MapPositionEndpoints();
        app.MapTrackEndpoints();
        app.MapCultureEndpoints();
        app.MapMetricsEndpoints();
        if (app.Configuration.GetValue<bool>("Diagnostics:Memory"))
        {
            // For the bench's circuit-memory figure only (off unless configured): the managed heap that survives a full collection.
            app.MapGet("/api/v1/diagnostics/memory", () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var managed = GC.GetTotalMemory(forceFullCollection: true);
                // Per heap (generations 0-2, large objects, pinned): the array pool's buffers show in the large-object heap.
                var generations = GC.GetGCMemoryInfo(GCKind.FullBlocking).GenerationInfo.ToArray()
                    .Select(g => g.SizeAfterBytes - g.FragmentationAfterBytes).ToArray();
                return TypedResults.Ok(new
                {
                    managedBytes = managed, workingSetBytes = Environment.WorkingSet, circuits = CircuitCounter.Open, generationBytes = generations,
                });
            }).RequireAuthorization(p => p.RequireRole(Roles.Admin)).ExcludeFromDescription();
        }
        // The security headers' own CSP already forbids every frame ancestor; Blazor's second header (frame-ancestors 'self') would only duplicate it.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    private static RateLimitPartition<string> TokenBucket(string key, int burst, int perMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>Demo mode creates users with a documented password, so a production host must opt in to it by name.</summary>
    private static void RefuseDemoInProduction(ConfigurationManager config, IWebHostEnvironment environment)
    {
        var demo = config.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        if (demo.Enabled && environment.IsProduction() && !demo.AllowInProduction)
        {
            throw new InvalidOperationException(
                "Demo:Enabled is true in the Production environment: demo mode seeds a generated city and creates demo users whose password is documented. "
                + "Switch it off (Demo:Enabled=false), or set Demo:AllowInProduction=true to run a demo deliberately.");
        }
    }

    private static DatabaseOptions ResolveDatabase(ConfigurationManager config, IWebHostEnvironment environment)
    {
        var options = config.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        // Nodes behind Redis may share one SQLite file (tests, benches; production nodes share SQL Server).
        options.SingleWriterProcess = config.GetValue<bool?>("Database:SingleWriterProcess") ?? string.IsNullOrWhiteSpace(config["Redis:Configuration"]);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (options.Provider == DatabaseProvider.SqlServer)
            {
                throw new InvalidOperationException("Database:Provider is SqlServer but Database:ConnectionString is empty.");
            }

            var file = Path.Combine(environment.ContentRootPath, "App_Data", "dashboard.db");
            options.ConnectionString = $"Data Source={file}";
        }

        return options;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // API and hub callers get a status code, people get the sign-in page.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
