using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Dashboard.Data;

/// <summary>Registers Dapper type handlers. Idempotent; call once at start-up (the connection factory also does).</summary>
public static class DapperSetup
{
    private static readonly Lock Gate = new();
    private static bool _geometryRegistered;
    private static bool _sqliteRegistered;

    public static void Register(DatabaseProvider provider)
    {
        lock (Gate)
        {
            if (!_geometryRegistered)
            {
                SqlMapper.AddTypeHandler(new GeometryTypeHandler<Geometry>());
                SqlMapper.AddTypeHandler(new GeometryTypeHandler<Polygon>());
                SqlMapper.AddTypeHandler(new GeometryTypeHandler<MultiPolygon>());
                SqlMapper.AddTypeHandler(new GeometryTypeHandler<Point>());
                _geometryRegistered = true;
            }

            if (provider == DatabaseProvider.Sqlite && !_sqliteRegistered)
            {
                // Dapper maps DateTimeOffset itself and would never consult a handler for it.
                SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
                SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
                SqlMapper.AddTypeHandler(new DateTimeOffsetTypeHandler());
                _sqliteRegistered = true;
            }
        }
    }
}

/// <summary>Geometry travels as 2D ISO WKB; SQL Server converts it to and from geography in the SQL text.</summary>
internal sealed class GeometryTypeHandler<T> : SqlMapper.TypeHandler<T>
    where T : Geometry
{
    private static readonly NtsGeometryServices Services = new(new PrecisionModel(), 4326);

    public override void SetValue(IDbDataParameter parameter, T? value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.DbType = DbType.Binary;
        parameter.Value = value is null ? DBNull.Value : new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false).Write(value);
    }

    public override T? Parse(object value)
    {
        if (value is not byte[] bytes)
        {
            throw new DataException($"Expected WKB bytes for a {typeof(T).Name} but got {value?.GetType().Name ?? "null"}.");
        }

        var geometry = new WKBReader(Services).Read(bytes);
        geometry.SRID = 4326;
        return geometry as T ?? throw new DataException($"Stored geometry is a {geometry.GeometryType}, not a {typeof(T).Name}.");
    }
}

/// <summary>
/// SQLite has no date type: instants are stored as fixed-width ISO-8601 UTC text, which also sorts and compares correctly.
/// Dapper handlers are process-wide, so SQL Server parameters (when both providers are used) pass through untouched.
/// </summary>
internal sealed class DateTimeOffsetTypeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    internal const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter is SqliteParameter)
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToText(value);
        }
        else
        {
            parameter.DbType = DbType.DateTimeOffset;
            parameter.Value = value;
        }
    }

    /// <summary>
    /// The stored SQLite text of an instant, same as <see cref="Format"/>; written digit by digit because the position
    /// writer formats two instants per fix and the custom-format parser dominated its cost.
    /// </summary>
    public static string ToText(DateTimeOffset value) => string.Create(28, value.UtcDateTime, static (text, utc) =>
    {
        Digits(text[..4], utc.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), utc.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), utc.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), utc.Second);
        text[19] = '.';
        Digits(text.Slice(20, 7), (int)(utc.Ticks % TimeSpan.TicksPerSecond));
        text[27] = 'Z';
    });

    private static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset d => d,
        string s => DateTimeOffset.ParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        _ => throw new DataException($"Cannot read a DateTimeOffset from {value?.GetType().Name ?? "null"}."),
    };
}
