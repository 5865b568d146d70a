namespace Regia.Migrations.Postgres;

/// <summary>Names this assembly in code (tests compare its migrations with SQLite's).</summary>
public static class Marker;
