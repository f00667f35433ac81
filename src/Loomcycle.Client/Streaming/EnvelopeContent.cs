using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// The restore body <c>{"include_history":…,"json":&lt;envelope&gt;}</c> streamed from a file: the
    /// envelope's bytes go on the wire exactly as they are on disk, and memory does not grow with its size.
    /// </summary>
    internal sealed class EnvelopeContent : HttpContent
    {
        private readonly byte[] _prefix;
        private readonly string _path;
        private readonly byte[] _suffix = Encoding.UTF8.GetBytes("}");

        public EnvelopeContent(string path, bool? includeHistory)
        {
            _path = path;
            _prefix = Encoding.UTF8.GetBytes(includeHistory is bool history ? $"{{\"include_history\":{(history ? "true" : "false")},\"json\":" : "{\"json\":");
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_prefix, 0, _prefix.Length).ConfigureAwait(false);
            using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            {
                // A UTF-8 byte order mark (Windows PowerShell's -Encoding UTF8 writes one) is not JSON: leave it out.
                file.Position = BomLength(file);
                await file.CopyToAsync(stream, 81920).ConfigureAwait(false);
            }

            await stream.WriteAsync(_suffix, 0, _suffix.Length).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            long bom;
            using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 16))
            {
                bom = BomLength(file);
            }

            length = _prefix.Length + new FileInfo(_path).Length - bom + _suffix.Length;
            return true;
        }

        private static long BomLength(FileStream file)
        {
            var head = new byte[3];
            int read = 0;
            int n;
            while (read < head.Length && (n = file.Read(head, read, head.Length - read)) > 0)
            {
                read += n;
            }

            return read == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        }
    }
}
