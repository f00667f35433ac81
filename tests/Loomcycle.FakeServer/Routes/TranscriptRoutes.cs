using System.Buffers;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>GET /v1/sessions/{id}/transcript</c> (spec §6).</summary>
internal static class TranscriptRoutes
{
    public static void Map(Router router) => router.Map("GET", "/v1/sessions/{id}/transcript", GetTranscriptAsync);

    private static Task GetTranscriptAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(rc.Http, 404, "transcript persistence is not configured");
        string id = rc["id"];
        if (id.Length == 0) return ErrorBodies.PlainAsync(rc.Http, 400, "session id is required");
        SessionRecord? s = rc.State.FindSession(id);
        if (s is null) return ErrorBodies.PlainAsync(rc.Http, 404, "session not found: " + id);

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, GoJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("session");
            w.WriteString("id", s.Id);
            w.WriteString("tenant_id", s.TenantId);
            w.WriteString("agent", s.Agent);
            w.WriteString("created_at", GoJson.Time(s.CreatedAt));
            if (!string.IsNullOrEmpty(s.UserId)) w.WriteString("user_id", s.UserId);
            if (rc.NewServer)
            {
                w.WriteString("archived_at", GoJson.ZeroTime);
                w.WriteString("summary_updated_at", GoJson.ZeroTime);
            }
            w.WriteEndObject();
            w.WriteStartArray("events");
            foreach (TranscriptEvent e in s.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("seq", e.Seq);
                w.WriteString("run_id", e.RunId);
                w.WriteNumber("ts_ns", e.TsNs);
                w.WriteString("type", e.Type);
                w.WritePropertyName("event");
                w.WriteRawValue(e.EventJson, skipInputValidation: true);
                if (rc.NewServer && e.PayloadJson is not null)
                {
                    w.WritePropertyName("payload");
                    w.WriteRawValue(e.PayloadJson, skipInputValidation: true);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        byte[] body = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(body);
        body[^1] = (byte)'\n';
        return Responses.WriteAsync(rc.Http, 200, "application/json", body);
    }
}
