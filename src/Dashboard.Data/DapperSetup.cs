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
            parameter.Value = value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
        }
        else
        {
            parameter.DbType = DbType.DateTimeOffset;
            parameter.Value = value;
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
