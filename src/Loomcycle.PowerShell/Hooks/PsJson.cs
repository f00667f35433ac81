using Loomcycle.Hooks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Writes PowerShell values as JSON, the way ConvertTo-Json reads them: hashtables and PSCustomObjects become
    /// objects, other lists arrays, dates ISO 8601 text, enums their names. Used for a hook's rewritten tool input.
    /// The hook runner's rules of <see cref="JsonFromObject"/>: default escaping, depth 64, DBNull as null, Guid, Uri,
    /// TimeSpan and Version as text, every property of a PSCustomObject, errors as <see cref="HookAnswerException"/>.
    /// </summary>
    internal static class PsJson
    {
        private static readonly JsonFromObjectOptions HookJson = new JsonFromObjectOptions
        {
            MaxDepth = 64,
            Scalars = JsonScalars.DBNullAsNull | JsonScalars.InvariantText,
            AllPropertiesOfCustomObjects = true,
            TooDeep = () => new HookAnswerException("The value is nested more than 64 levels deep."),
            NotFinite = _ => new HookAnswerException("NaN and infinity cannot be written as JSON."),
        };

        public static string Serialize(object? value) => JsonFromObject.Convert(value, HookJson);
    }
}
