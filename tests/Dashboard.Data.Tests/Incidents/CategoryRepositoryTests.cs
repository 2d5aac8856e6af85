using Dashboard.Core.Categories;
using Dashboard.Data.Incidents;

namespace Dashboard.Data.Tests.Incidents;

public abstract class CategoryRepositoryTests : DatabaseTests
{
    [Fact]
    public async Task The_twelve_default_categories_are_seeded_active_in_list_order()
    {
        await using var db = await CreateMigratedAsync();
        var categories = new CategoryRepository(db.Factory);

        var listed = await categories.ListAsync(ct: Ct);

        Assert.Equal(
            DefaultCategories.All.Select((c, i) => new CategoryRow(c.Code, c.Name, c.NameEn, true, i + 1)),
            listed);
        Assert.Equal(listed, await categories.ListAsync(includeInactive: true, Ct));
    }

    [Fact]
    public async Task Upsert_edits_name_and_active_and_inactive_ones_are_hidden_by_default()
    {
        await using var db = await CreateMigratedAsync();
        var categories = new CategoryRepository(db.Factory);
        var edited = new CategoryRow("JGFS", "秸秆露天焚烧", "Open straw burning", false, 7);

        await categories.UpsertAsync(edited, Ct);

        Assert.Equal(edited, await categories.FindAsync("JGFS", Ct));
        Assert.DoesNotContain(await categories.ListAsync(ct: Ct), c => c.Code == "JGFS");
        Assert.Equal(11, (await categories.ListAsync(ct: Ct)).Count);
        Assert.Equal(edited, (await categories.ListAsync(includeInactive: true, Ct))[6]);

        await categories.UpsertAsync(edited with { Active = true }, Ct);
        Assert.Contains(edited with { Active = true }, await categories.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task Upsert_adds_an_unknown_code_in_sort_order()
    {
        await using var db = await CreateMigratedAsync();
        var categories = new CategoryRepository(db.Factory);
        var added = new CategoryRow("WZTC", "违章停车", "Illegal parking", true, 0);

        await categories.UpsertAsync(added, Ct);

        Assert.Equal(added, (await categories.ListAsync(ct: Ct))[0]);
        Assert.Equal(13, (await categories.ListAsync(includeInactive: true, Ct)).Count);
        Assert.Null(await categories.FindAsync("NOPE", Ct));
    }
}

public sealed class SqliteCategoryRepositoryTests : CategoryRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
