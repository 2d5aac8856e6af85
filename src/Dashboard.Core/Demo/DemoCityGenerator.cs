using System.Globalization;
using Dashboard.Core.Categories;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Triangulate;

namespace Dashboard.Core.Demo;

/// <summary>
/// Generates the fictional city 明州市: districts, townships and grids as nested Voronoi tilings, with
/// command centres, teams, officers and grid captains. The same seed always yields the same city.
/// </summary>
/// <remarks>
/// Every boundary is the intersection of a convex Voronoi cell with a convex parent, so every node is convex
/// and its centroid lies inside it. Output never depends on hash ordering or the clock.
/// </remarks>
public static class DemoCityGenerator
{
    public const int DefaultSeed = 20261123;

    public const string CityCode = "330200";
    public const string CityName = "明州市";
    public const int DistrictCount = 6;
    public const int TownshipsPerDistrict = 4;
    public const int GridsPerTownship = 16;
    public const int TeamsPerTownship = 2;
    public const int OfficersPerTownship = 30;

    private const int LloydIterations = 3;
    private const double CentreLongitude = 121.6;
    private const double CentreLatitude = 29.95;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static readonly string[] DistrictNames = ["海晏区", "江澄区", "鹿鸣区", "凤岭区", "北港区", "梅溪区", "东钱区", "月岙区"];
    private static readonly string[] CountyNames = ["龙山县", "石浦县", "白峰县"];

    private const string FlagshipTownship = "九龙湖镇";

    private static readonly string[] TownshipNames =
    [
        "青石镇", "梅墟镇", "横溪镇", "白沙镇", "大碶镇", "观海镇", "松岙镇", "塘溪镇", "西店镇", "鹤浦镇",
        "长街镇", "柴桥镇", "洞桥镇", "章水镇", "古林镇", "泗门镇", "前童镇", "岔路镇", "澥浦镇", "龙泉镇",
        "庄市街道", "蛟川街道", "招宝山街道", "月湖街道", "南门街道", "东胜街道", "甬江街道", "孔浦街道",
        "梅山街道", "文昌街道", "新碶街道", "小港街道", "钟公庙街道", "石碶街道", "首南街道", "骆驼街道",
    ];

    private static readonly string[] VillageFirst =
    [
        "汶", "河", "横", "杜", "秦", "田", "汤", "陈", "王", "沈", "俞", "林", "方", "新", "东", "西", "南", "北",
        "上", "下", "大", "小", "石", "柏", "梅", "桃", "竹", "松", "湖", "前", "后", "岩", "黄", "白", "青", "龙",
    ];

    private static readonly string[] VillageSecond =
    [
        "溪", "山", "河", "桥", "岙", "塘", "浦", "湾", "头", "岭", "墩", "港", "田", "洋", "家", "庄", "园", "坑", "岸", "埠",
    ];

    private static readonly string[] CommunityNames =
    [
        "东湖", "西门", "南苑", "北岸", "望江", "滨江", "锦绣", "和平", "新华", "文昌", "翠柏", "紫薇", "梅园", "桃源",
        "丽园", "明珠", "学府", "湖畔", "云龙", "甬江", "海晏", "清水", "龙泉", "白沙", "金港", "新城", "天一", "月湖",
        "春晖", "朝阳", "幸福", "江南", "长春", "园林", "清河", "宝山", "港城", "绿岛", "芦江", "柳汀",
    ];

    private static readonly string[] CommunitySuffixes = ["", "", "花园", "新村", "家园", "苑"];

    // Ordered roughly by frequency so the weighted pick below favours the common surnames.
    private static readonly string[] Surnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高",
        "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余",
        "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "沈", "姚", "卢", "傅", "钟", "姜", "崔", "谭", "陆", "范", "汪",
        "俞", "应",
    ];

    private static readonly string[] GivenChars =
    [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
        "刚", "华", "建", "国", "文", "辉", "力", "斌", "波", "宇", "浩", "凯", "鹏", "飞", "鑫", "晨", "晓", "博", "宁", "峰",
        "海", "东", "林", "雪", "琳", "佳", "婷", "倩", "颖", "欣", "怡", "俊", "翔", "志", "远", "立", "新", "春", "红", "金",
        "玉", "梅", "兰", "健", "永", "德", "成", "荣", "庆", "祥", "英", "卫", "亮", "彬", "楠", "雷", "琦", "昊", "嘉", "源",
    ];

    private static readonly string[] MobilePrefixes =
    [
        "130", "131", "132", "133", "135", "136", "137", "138", "139",
        "150", "151", "152", "153", "155", "157", "158", "159",
        "180", "181", "182", "183", "186", "187", "188", "189",
    ];

    private static readonly string[] ChineseOrdinals = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];

    public static DemoCity Generate(int seed = DefaultSeed)
    {
        var rng = new Random(seed);
        var names = new NameSource(rng);

        var cityBoundary = CityBoundary(rng);
        var city = new JurisdictionNode(CityCode, CityName, JurisdictionLevel.City, null, cityBoundary);
        var districts = new List<JurisdictionNode>();
        var townships = new List<JurisdictionNode>();
        var grids = new List<JurisdictionNode>();

        var districtNames = Pick(rng, DistrictNames, DistrictCount - 1);
        districtNames.Add(CountyNames[rng.Next(CountyNames.Length)]);
        var townshipNames = Pick(rng, TownshipNames, (DistrictCount * TownshipsPerDistrict) - 1);
        townshipNames.Insert(rng.Next(townshipNames.Count + 1), FlagshipTownship);

        var districtCells = Tile(cityBoundary, DistrictCount, rng);
        for (var d = 0; d < districtCells.Count; d++)
        {
            var districtCode = (330201 + d).ToString(CultureInfo.InvariantCulture);
            var district = new JurisdictionNode(districtCode, districtNames[d], JurisdictionLevel.District, CityCode, districtCells[d]);
            districts.Add(district);

            var townshipCells = Tile(districtCells[d], TownshipsPerDistrict, rng);
            for (var t = 0; t < townshipCells.Count; t++)
            {
                var townshipCode = districtCode + Seq(t + 1, 3);
                var townshipName = townshipNames[(d * TownshipsPerDistrict) + t];
                townships.Add(new JurisdictionNode(townshipCode, townshipName, JurisdictionLevel.Township, districtCode, townshipCells[t]));

                var gridCells = Tile(townshipCells[t], GridsPerTownship, rng);
                for (var g = 0; g < gridCells.Count; g++)
                {
                    var gridCode = townshipCode + Seq(g + 1, 3);
                    grids.Add(new JurisdictionNode(gridCode, names.Grid(townshipName, g + 1), JurisdictionLevel.Grid, townshipCode, gridCells[g]));
                }
            }
        }

        List<JurisdictionNode> jurisdictions = [city, .. districts, .. townships, .. grids];
        var centres = jurisdictions.Where(n => n.Level != JurisdictionLevel.Grid).Select(CentreOf).ToList();

        var teams = new List<Team>();
        var officers = new List<Officer>();
        foreach (var township in townships)
        {
            var townshipTeams = Enumerable.Range(0, TeamsPerTownship)
                .Select(i => new Team($"{township.Code}-T{i + 1}", $"{township.Name}执法{ChineseOrdinals[i]}中队", township.Code))
                .ToList();
            teams.AddRange(townshipTeams);
            for (var i = 0; i < OfficersPerTownship; i++)
            {
                var id = officers.Count + 1;
                var code = "ZF" + Seq(id, 5);
                officers.Add(new Officer(
                    id,
                    code,
                    names.Person(),
                    townshipTeams[i % TeamsPerTownship].Code,
                    township.Code,
                    Mode(rng),
                    Skills(rng),
                    "dev-" + code.ToLowerInvariant(),
                    names.Phone()));
            }
        }

        var captains = grids.Select(g => new GridCaptain("WGZ" + g.Code, names.Person(), g.Code, names.Phone())).ToList();
        return new DemoCity(jurisdictions, centres, teams, officers, captains);
    }

    private static string Seq(int value, int digits) => value.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>An irregular convex polygon: the hull of jittered points on an ellipse about 0.6° × 0.45°.</summary>
    private static Polygon CityBoundary(Random rng)
    {
        const int Points = 13;
        var coords = new Coordinate[Points];
        for (var i = 0; i < Points; i++)
        {
            var angle = (2 * Math.PI * (i + (0.6 * (rng.NextDouble() - 0.5)))) / Points;
            var radius = 0.88 + (0.14 * rng.NextDouble());
            coords[i] = new Coordinate(
                CentreLongitude + (0.3 * radius * Math.Cos(angle)),
                CentreLatitude + (0.225 * radius * Math.Sin(angle)));
        }

        return (Polygon)Factory.CreateMultiPointFromCoords(coords).ConvexHull();
    }

    /// <summary>Splits a convex parent into <paramref name="count"/> convex cells, ordered north to south, then west to east.</summary>
    private static List<Polygon> Tile(Polygon parent, int count, Random rng)
    {
        var inside = PreparedGeometryFactory.Prepare(parent);
        var env = parent.EnvelopeInternal;
        var sites = new List<Coordinate>(count);
        while (sites.Count < count)
        {
            var site = new Coordinate(env.MinX + (rng.NextDouble() * env.Width), env.MinY + (rng.NextDouble() * env.Height));
            if (inside.Contains(Factory.CreatePoint(site)))
            {
                sites.Add(site);
            }
        }

        // The clip frame must exceed the parent so that the clipped diagram still covers all of it.
        var clip = new Envelope(env);
        clip.ExpandBy(env.Width, env.Height);

        var cells = VoronoiCells(parent, sites, clip);
        for (var i = 0; i < LloydIterations; i++)
        {
            // Lloyd relaxation: moving each site to its cell's centroid evens out cell sizes and shapes.
            sites = cells.Select(c => c.Centroid.Coordinate).ToList();
            cells = VoronoiCells(parent, sites, clip);
        }

        return cells
            .Select(c => (Cell: c, Centre: c.Centroid.Coordinate))
            .OrderByDescending(x => Math.Round(x.Centre.Y, 6))
            .ThenBy(x => x.Centre.X)
            .Select(x => x.Cell)
            .ToList();
    }

    /// <summary>The Voronoi cell of each site clipped to the parent, in site order.</summary>
    private static Polygon[] VoronoiCells(Polygon parent, List<Coordinate> sites, Envelope clip)
    {
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
        builder.SetSites(sites);
        var diagram = builder.GetDiagram(Factory);
        var cells = new Polygon?[sites.Count];
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var cell = diagram.GetGeometryN(i);
            // The builder sorts and deduplicates sites, so output order says nothing; UserData names the site.
            var site = (Coordinate)cell.UserData;
            var index = sites.FindIndex(s => s.Equals2D(site));
            cells[index] = LargestPolygon(cell.Intersection(parent));
        }

        return cells.Select((c, i) => c ?? throw new InvalidOperationException($"Voronoi diagram has no cell for site {i}")).ToArray();
    }

    private static Polygon LargestPolygon(Geometry geometry)
    {
        if (geometry is Polygon polygon)
        {
            return polygon;
        }

        var largest = Enumerable.Range(0, geometry.NumGeometries)
            .Select(geometry.GetGeometryN)
            .OfType<Polygon>()
            .MaxBy(p => p.Area);
        return largest ?? throw new InvalidOperationException($"Intersection produced no polygon: {geometry.GeometryType}");
    }

    private static CommandCentre CentreOf(JurisdictionNode node)
    {
        var suffix = node.Level == JurisdictionLevel.Township ? "综合行政执法指挥室" : "综合行政执法指挥中心";
        var at = node.Boundary.InteriorPoint;
        return new CommandCentre("CC-" + node.Code, node.Name + suffix, node.Code, at.Y, at.X);
    }

    private static TravelMode Mode(Random rng) => rng.NextDouble() switch
    {
        < 0.75 => TravelMode.EBike,
        < 0.90 => TravelMode.Car,
        _ => TravelMode.Foot,
    };

    /// <summary>3-6 distinct category codes, in catalogue order.</summary>
    private static string[] Skills(Random rng)
    {
        var all = DefaultCategories.All;
        var count = rng.Next(3, 7);
        var chosen = Pick(rng, Enumerable.Range(0, all.Count).ToArray(), count);
        chosen.Sort();
        return chosen.Select(i => all[i].Code).ToArray();
    }

    /// <summary>The first <paramref name="count"/> items of a seeded Fisher-Yates shuffle.</summary>
    private static List<T> Pick<T>(Random rng, IReadOnlyList<T> items, int count)
    {
        var copy = items.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = rng.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy.Take(count).ToList();
    }

    /// <summary>Draws person names, phone numbers and grid names that are unique across the city.</summary>
    private sealed class NameSource(Random rng)
    {
        // Only ever used for membership tests, never enumerated, so hash order cannot leak into the output.
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public string Person()
        {
            while (true)
            {
                // Squaring a uniform draw biases toward the front of the list, where the common surnames are.
                var u = rng.NextDouble();
                var surname = Surnames[(int)(u * u * Surnames.Length)];
                var given = rng.NextDouble() < 0.3
                    ? GivenChars[rng.Next(GivenChars.Length)]
                    : GivenChars[rng.Next(GivenChars.Length)] + GivenChars[rng.Next(GivenChars.Length)];
                if (_used.Add("person:" + surname + given))
                {
                    return surname + given;
                }
            }
        }

        public string Phone()
        {
            while (true)
            {
                var phone = MobilePrefixes[rng.Next(MobilePrefixes.Length)] + Seq(rng.Next(100_000_000), 8);
                if (_used.Add("phone:" + phone))
                {
                    return phone;
                }
            }
        }

        /// <summary>Towns name most grids after villages (村), streets after communities (社区); the rest are numbered.</summary>
        public string Grid(string townshipName, int number)
        {
            if (rng.NextDouble() < 0.3)
            {
                return $"{townshipName}第{Seq(number, 2)}网格";
            }

            var street = townshipName.EndsWith("街道", StringComparison.Ordinal);
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var name = street
                    ? CommunityNames[rng.Next(CommunityNames.Length)] + CommunitySuffixes[rng.Next(CommunitySuffixes.Length)] + "社区网格"
                    : VillageFirst[rng.Next(VillageFirst.Length)] + VillageSecond[rng.Next(VillageSecond.Length)] + "村网格";
                if (_used.Add("grid:" + name))
                {
                    return name;
                }
            }

            return $"{townshipName}第{Seq(number, 2)}网格";
        }
    }
}
