using System.Globalization;
using System.Text;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Import;
using Dashboard.Data.Jurisdictions;

namespace Dashboard.Data.Tests.Import;

public abstract class GeoJsonBoundaryImporterTests : DatabaseTests
{
    private const string NewGrid = "330206001003";

    [Fact]
    public async Task A_valid_collection_imports_every_feature()
    {
        await using var db = await CreateMigratedAsync();

        var result = await ImportAsync(db, Collection(CityFile()));

        Assert.Equal(new ImportResult(5, 0), result);
        var nodes = await new JurisdictionRepository(db.Factory).LoadAllAsync(Ct);
        Assert.Equal(
            ["330200 宁波市 City", "330206 镇海区 District", "330206001 九龙湖镇 Township", "330206001001 第一网格 Grid", "330206001002 第二网格 Grid"],
            nodes.Select(n => $"{n.Code} {n.Name} {n.Level}"));
        Assert.Equal(5, new JurisdictionTree(nodes).Count);
    }

    [Fact]
    public async Task Importing_the_same_codes_again_updates_instead_of_duplicating()
    {
        await using var db = await CreateMigratedAsync();
        await ImportAsync(db, Collection(CityFile()));
        var renamed = CityFile();
        renamed[4] = Feature(TestCity.GridB, "第二网格（调整）", "网格", TestCity.Township, Box(121.6, 29.85, 121.69, 29.95));

        var result = await ImportAsync(db, Collection(renamed));

        Assert.Equal(new ImportResult(0, 5), result);
        var nodes = await new JurisdictionRepository(db.Factory).LoadAllAsync(Ct);
        Assert.Equal(5, nodes.Count);
        var gridB = nodes.Single(n => n.Code == TestCity.GridB);
        Assert.Equal("第二网格（调整）", gridB.Name);
        Assert.Equal(121.69, gridB.Boundary.EnvelopeInternal.MaxX, 12);
    }

    [Fact]
    public async Task Features_may_hang_under_parents_already_in_the_database()
    {
        await using var db = await CreateSeededAsync();

        var result = await ImportAsync(db, Collection(Feature(NewGrid, "第三网格", "3", TestCity.Township, Box(121.55, 29.9, 121.56, 29.91))));

        Assert.Equal(new ImportResult(1, 0), result);
        Assert.Equal(6, await new JurisdictionRepository(db.Factory).CountAsync(Ct));
    }

    public static TheoryData<string, string, int, string?, string, string> BadFiles => new()
    {
        { "unreadable JSON", "{\"type\": \"FeatureCollection\", \"features\": [", -1, null, "json", "not readable JSON" },
        { "not a FeatureCollection", Feature(TestCity.City, "市", "city", null, Box(121, 29, 122, 30)), -1, null, "type", "expected a FeatureCollection, found 'Feature'" },
        { "missing code", Collection([.. CityFile(), Feature(null, "无编号", "grid", TestCity.Township, GridBox)]), 5, null, "code", "missing or blank" },
        { "blank code", Collection([.. CityFile(), Feature("  ", "空编号", "grid", TestCity.Township, GridBox)]), 5, null, "code", "missing or blank" },
        { "blank name", Collection([.. CityFile(), Feature(NewGrid, " ", "grid", TestCity.Township, GridBox)]), 5, NewGrid, "name", "missing or blank" },
        { "unknown level", Collection([.. CityFile(), Feature(NewGrid, "村", "village", TestCity.Township, GridBox)]), 5, NewGrid, "level", "'village' is not one of city|district|township|grid" },
        { "missing geometry", Collection([.. CityFile(), Feature(NewGrid, "无边界", "grid", TestCity.Township, "null")]), 5, NewGrid, "geometry", "missing" },
        { "point geometry", Collection([.. CityFile(), Feature(NewGrid, "点", "grid", TestCity.Township, """{"type":"Point","coordinates":[121.55,29.9]}""")]), 5, NewGrid, "geometry", "Point is not a non-empty Polygon or MultiPolygon" },
        { "self-intersecting polygon", Collection([.. CityFile(), Feature(NewGrid, "蝴蝶结", "grid", TestCity.Township, """{"type":"Polygon","coordinates":[[[121.5,29.85],[121.6,29.95],[121.6,29.85],[121.5,29.95],[121.5,29.85]]]}""")]), 5, NewGrid, "geometry", "invalid: Self-intersection" },
        { "coordinates outside WGS-84", Collection([.. CityFile(), Feature(NewGrid, "越界", "grid", TestCity.Township, Box(181, 29.85, 182, 29.95))]), 5, NewGrid, "geometry", "outside WGS-84 range" },
        { "duplicate code", Collection([.. CityFile(), Feature(TestCity.GridA, "重复", "grid", TestCity.Township, GridBox)]), 5, TestCity.GridA, "code", "already used by feature #3" },
        { "missing parent", Collection([.. CityFile(), Feature(NewGrid, "孤儿", "grid", "330206009", GridBox)]), 5, NewGrid, "parentCode", "'330206009' is neither in the file nor in the database" },
        { "no parent given", Collection([.. CityFile(), Feature(NewGrid, "无上级", "grid", null, GridBox)]), 5, NewGrid, "parentCode", "missing; a grid needs a township parent" },
        { "parent of the wrong level", Collection([.. CityFile(), Feature(NewGrid, "跳级", "grid", TestCity.District, GridBox)]), 5, NewGrid, "parentCode", "'330206' is a district, but a grid needs a township parent" },
        { "second city", Collection([.. CityFile(), Feature("330300", "温州市", "市", null, Box(120, 27, 121, 28))]), -1, null, "tree", "exactly one city is required, found 2" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Each_kind_of_error_names_the_feature_and_field(string kind, string json, int index, string? code, string field, string message)
    {
        await using var db = await CreateMigratedAsync();

        var e = await Assert.ThrowsAsync<GeoJsonImportException>(() => ImportAsync(db, json));

        Assert.True(e.Errors.Count == 1, $"{kind}: expected exactly one error, got {e.Message}");
        var error = e.Errors[0];
        Assert.Equal((index, code, field), (error.FeatureIndex, error.Code, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        var where = index < 0 ? "file" : code is null ? $"feature #{index}" : $"feature #{index} (code {code})";
        Assert.Contains($"{where}: {field}: {error.Message}", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await new JurisdictionRepository(db.Factory).CountAsync(Ct));
    }

    [Fact]
    public async Task Every_error_in_the_file_is_reported_at_once()
    {
        await using var db = await CreateSeededAsync();
        var json = Collection(
            Feature(NewGrid, "村", "village", TestCity.Township, GridBox),
            Feature(null, "", "grid", TestCity.Township, "null"),
            Feature("330206001004", "越界", "grid", "nowhere", Box(121.5, 95, 121.6, 96)));

        var e = await Assert.ThrowsAsync<GeoJsonImportException>(() => ImportAsync(db, json));

        Assert.Equal(
            ["0 level", "1 code", "1 geometry", "1 name", "2 geometry", "2 parentCode"],
            e.Errors.Select(x => $"{x.FeatureIndex} {x.Field}").Order(StringComparer.Ordinal));
        Assert.Contains("feature #0 (code 330206001003): level: 'village' is not one of city|district|township|grid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_one_good_and_one_bad_feature_writes_nothing()
    {
        await using var db = await CreateSeededAsync();
        var repository = new JurisdictionRepository(db.Factory);
        var before = await repository.LoadAllAsync(Ct);
        var json = Collection(
            Feature(TestCity.GridA, "改名网格", "grid", TestCity.Township, Box(121.5, 29.85, 121.6, 29.95)),
            Feature(NewGrid, "新网格", "grid", TestCity.Township, Box(121.55, 29.9, 121.56, 29.91)),
            Feature("330206001004", "坏网格", "grid", TestCity.District, GridBox));

        await Assert.ThrowsAsync<GeoJsonImportException>(() => ImportAsync(db, json));

        var after = await repository.LoadAllAsync(Ct);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(before.Select(n => (n.Code, n.Name)), after.Select(n => (n.Code, n.Name)));
    }

    [Fact]
    public async Task A_level_change_that_strands_existing_children_is_caught_by_the_tree_check()
    {
        await using var db = await CreateSeededAsync();
        // Valid on its own (a district under the city), but the township's grids in the database now sit under a district.
        var json = Collection(Feature(TestCity.Township, "九龙湖区", "district", TestCity.City, Box(121.5, 29.85, 121.7, 29.95)));

        var e = await Assert.ThrowsAsync<GeoJsonImportException>(() => ImportAsync(db, json));

        Assert.Equal(2, e.Errors.Count);
        Assert.All(e.Errors, x => Assert.Equal((-1, "tree"), (x.FeatureIndex, x.Field)));
        Assert.Contains(e.Errors, x => x.Message.Contains(TestCity.GridA, StringComparison.Ordinal));
        Assert.Equal(JurisdictionLevel.Township, (await new JurisdictionRepository(db.Factory).LoadAllAsync(Ct)).Single(n => n.Code == TestCity.Township).Level);
    }

    private static string GridBox => Box(121.55, 29.9, 121.56, 29.91);

    private static async Task<ImportResult> ImportAsync(TestDatabase db, string json)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await new GeoJsonBoundaryImporter(db.Factory).ImportAsync(stream, Ct);
    }

    private static string[] CityFile() =>
    [
        Feature(TestCity.City, "宁波市", "市", null, Box(121.0, 29.5, 122.0, 30.2)),
        Feature(TestCity.District, "镇海区", "district", TestCity.City, Box(121.4, 29.8, 121.8, 30.0)),
        Feature(TestCity.Township, "九龙湖镇", 2, TestCity.District, Box(121.5, 29.85, 121.7, 29.95)),
        Feature(TestCity.GridA, "第一网格", "grid", TestCity.Township, Box(121.5, 29.85, 121.6, 29.95)),
        Feature(TestCity.GridB, "第二网格", "网格", TestCity.Township, Box(121.6, 29.85, 121.7, 29.95)),
    ];

    private static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static string Feature(string? code, string name, object level, string? parentCode, string geometry)
    {
        var levelJson = level is int n ? n.ToString(CultureInfo.InvariantCulture) : $"\"{level}\"";
        var codeJson = code is null ? "" : $"\"code\":\"{code}\",";
        var parentJson = parentCode is null ? "null" : $"\"{parentCode}\"";
        return $$"""{"type":"Feature","properties":{{{codeJson}}"name":"{{name}}","level":{{levelJson}},"parentCode":{{parentJson}}},"geometry":{{geometry}}}""";
    }

    private static string Box(double minLon, double minLat, double maxLon, double maxLat) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"type":"Polygon","coordinates":[[[{{minLon}},{{minLat}}],[{{maxLon}},{{minLat}}],[{{maxLon}},{{maxLat}}],[{{minLon}},{{maxLat}}],[{{minLon}},{{minLat}}]]]}""");
}

public sealed class SqliteGeoJsonBoundaryImporterTests : GeoJsonBoundaryImporterTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
