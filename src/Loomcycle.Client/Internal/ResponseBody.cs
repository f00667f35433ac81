using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>Reading response bodies, in one place: whole bodies under a cap, error-body prefixes, raw streams.</summary>
    internal static class ResponseBody
    {
        /// <summary>Reads a whole body, failing with a typed error past <paramref name="limit"/> bytes instead of buffering without end.</summary>
        public static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, long limit, RoutePath route, CancellationToken cancellationToken)
        {
            long? declared = response.Content.Headers.ContentLength;
            if (declared > limit)
            {
                throw TooLarge(declared.Value, limit, route);
            }

            using Stream stream = await ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
            var buffer = new MemoryStream(declared is long known ? (int)known : 4096);
            byte[] chunk = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(buffer.Length + read, limit, route);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }

        /// <summary>Reads at most <paramref name="limit"/> bytes (error bodies: enough to classify, never unbounded).</summary>
        public static async Task<byte[]> ReadPrefixAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
        {
            using Stream stream = await ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[limit];
            int total = 0;
            int read;
            while (total < limit && (read = await stream.ReadAsync(buffer, total, limit - total, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            Array.Resize(ref buffer, total);
            return buffer;
        }

        public static Task<Stream> ReadStreamAsync(HttpContent content, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return content.ReadAsStreamAsync(cancellationToken);
#else
            return content.ReadAsStreamAsync();
#endif
        }

        private static LoomcycleProtocolException TooLarge(long size, long limit, RoutePath route) =>
            new LoomcycleProtocolException($"The response is larger than the {limit / (1024 * 1024)} MiB this call accepts (at least {size} bytes); it was not read further.")
            { Target = route.Target };
    }
}
