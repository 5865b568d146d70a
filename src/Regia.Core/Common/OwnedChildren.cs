namespace Regia.Core.Common;

/// <summary>Children without an identity of their own (texts, places, funding lines) are replaced whole on save.</summary>
public static class OwnedChildren
{
    public static void Replace<T>(RegiaDbContext db, List<T> current, IEnumerable<T> replacement)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(current);
        db.RemoveRange(current);
        current.Clear();
        current.AddRange(replacement);
    }
}
