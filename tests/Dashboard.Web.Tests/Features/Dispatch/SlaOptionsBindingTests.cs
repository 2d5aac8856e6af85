using Dashboard.Core.Sla;
using Dashboard.Web.Features.Dispatch;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Web.Tests.Features.Dispatch;

public sealed class SlaOptionsBindingTests
{
    [Fact]
    public void An_override_may_name_only_a_category_and_one_target()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sla:Overrides:0:Category"] = "ZSRM",
            ["Sla:Overrides:0:ContactSeconds"] = "3",
            ["Sla:Overrides:1:Scope"] = "330201",
            ["Sla:Overrides:1:ArrivalSeconds"] = "600",
        }).Build();

        var options = configuration.GetSection("Sla").Get<SlaOptions>()!;

        Assert.Equal([new SlaOverride(Category: "ZSRM", ContactSeconds: 3), new SlaOverride(Scope: "330201", ArrivalSeconds: 600)], options.Overrides);
    }
}
