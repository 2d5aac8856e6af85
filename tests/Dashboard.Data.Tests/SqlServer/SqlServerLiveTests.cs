using Dashboard.Data.Tests.Accounts;
using Dashboard.Data.Tests.Demo;
using Dashboard.Data.Tests.Dispatch;
using Dashboard.Data.Tests.Import;
using Dashboard.Data.Tests.Incidents;
using Dashboard.Data.Tests.Jurisdictions;
using Dashboard.Data.Tests.Migrations;
using Dashboard.Data.Tests.Officers;
using Dashboard.Data.Tests.Positions;

namespace Dashboard.Data.Tests.SqlServer;

// The provider-neutral repository tests, run against a real SQL Server when DASHBOARD_SQLSERVER_TEST holds a
// connection string; otherwise every one of them is reported as skipped with that reason.

public sealed class SqlServerSchemaMigratorTests : SchemaMigratorTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerJurisdictionRepositoryTests : JurisdictionRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerReferenceDataRepositoryTests : ReferenceDataRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerUserRepositoryTests : UserRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerDemoCitySeederTests : DemoCitySeederTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();

    // One round trip per row over the network.
    protected override TimeSpan MaxLargeSeedTime => TimeSpan.FromSeconds(60);
}

public sealed class SqlServerGeoJsonBoundaryImporterTests : GeoJsonBoundaryImporterTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerIncidentRepositoryTests : IncidentRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerDispatchRepositoryTests : DispatchRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerCategoryRepositoryTests : CategoryRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerPositionRepositoryTests : PositionRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerPositionWriterTests : PositionWriterTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}

public sealed class SqlServerMetricsRepositoryTests : Metrics.MetricsRepositoryTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}
