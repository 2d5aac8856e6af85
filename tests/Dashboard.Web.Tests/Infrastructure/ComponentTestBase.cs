using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>
/// Shared bUnit set-up: MudBlazor services without popover checks or transitions, real zh-CN resources,
/// a fake clock, and the demo city loaded into the directory.
/// </summary>
public abstract class ComponentTestBase : BunitContext
{
    private static readonly Lazy<DemoCity> Demo = new(() => DemoCityGenerator.Generate());

    protected ComponentTestBase()
    {
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("zh-CN");
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(Options.Create(new CultureOptions()));
        Services.AddSingleton(Directory);
        Auth = AddAuthorization();
    }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 1, 30, 0, TimeSpan.Zero));

    protected static DemoCity City => Demo.Value;

    protected CityDirectory Directory { get; } = Load(Demo.Value);

    protected BunitAuthorizationContext Auth { get; }

    protected JurisdictionTree Tree => Directory.Tree;

    protected void SignInAs(string role, string scopeCode, string displayName = "测试用户")
    {
        Auth.SetAuthorized(displayName);
        Auth.SetRoles(role);
        Auth.SetClaims(new Claim(DashboardClaims.Scope, scopeCode), new Claim(DashboardClaims.DisplayName, displayName));
    }

    private static CityDirectory Load(DemoCity city)
    {
        var directory = new CityDirectory();
        directory.Replace(new CityDirectory.Snapshot(
            new JurisdictionTree(city.Jurisdictions), city.Teams, city.Officers, city.CommandCentres, city.GridCaptains));
        return directory;
    }

    protected IStringLocalizer<SharedResource> Localizer => Services.GetRequiredService<IStringLocalizer<SharedResource>>();
}
