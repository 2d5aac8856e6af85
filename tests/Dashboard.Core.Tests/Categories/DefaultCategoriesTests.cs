using Dashboard.Core.Categories;

namespace Dashboard.Core.Tests.Categories;

public sealed class DefaultCategoriesTests
{
    [Fact]
    public void Catalogue_has_a_dozen_items_with_unique_four_letter_codes()
    {
        Assert.Equal(12, DefaultCategories.All.Count);
        Assert.All(DefaultCategories.All, c =>
        {
            Assert.Matches("^[A-Z]{4}$", c.Code);
            Assert.False(string.IsNullOrWhiteSpace(c.Name));
            Assert.False(string.IsNullOrWhiteSpace(c.NameEn));
        });
        Assert.Equal(12, DefaultCategories.All.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(12, DefaultCategories.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Find_looks_up_by_exact_code()
    {
        Assert.Equal("飞线充电", DefaultCategories.Find("FXCD")?.Name);
        Assert.Null(DefaultCategories.Find("fxcd"));
        Assert.Null(DefaultCategories.Find(null));
        Assert.True(DefaultCategories.IsKnown("ZDJY"));
        Assert.False(DefaultCategories.IsKnown("XXXX"));
    }
}
