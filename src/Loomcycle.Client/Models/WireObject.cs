using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>Base of every object read from the server: fields a newer server adds are kept, not dropped.</summary>
    public abstract class WireObject
    {
        /// <summary>Fields this version of the module does not model, exactly as the server sent them.</summary>
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
    }
}
