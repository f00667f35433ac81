using System;

namespace Loomcycle.FakeServer.Json;

/// <summary>A decode failure worded like Go's encoding/json error (e.g. <c>EOF</c>, <c>invalid character 'x' ...</c>).</summary>
internal sealed class GoDecodeException : Exception
{
    public GoDecodeException(string goMessage) : base(goMessage) { }
}
