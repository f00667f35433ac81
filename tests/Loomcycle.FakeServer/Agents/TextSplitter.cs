using System;
using System.Collections.Generic;
using System.Globalization;

namespace Loomcycle.FakeServer;

/// <summary>Splits text into roughly equal deltas without cutting a grapheme (or surrogate pair) in two.</summary>
internal static class TextSplitter
{
    public static IReadOnlyList<string> Split(string text, int parts)
    {
        var result = new List<string>();
        if (text.Length == 0) return result;
        var boundaries = new List<int>();
        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) boundaries.Add(e.ElementIndex);
        int elements = boundaries.Count;
        parts = Math.Max(1, Math.Min(parts, elements));
        int start = 0;
        for (int p = 1; p <= parts; p++)
        {
            int endElement = (int)Math.Round((double)elements * p / parts);
            int end = endElement >= elements ? text.Length : boundaries[endElement];
            if (end > start) result.Add(text[start..end]);
            start = end;
        }
        return result;
    }
}
