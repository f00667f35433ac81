using System;

namespace Loomcycle
{
    /// <summary>
    /// One channel of a broadcast failed (<see cref="ChannelPublishResult.Error"/> is set in a
    /// <see cref="LoomcycleConnection.BroadcastChannelsAsync"/> result) while the others may have been published. The engine
    /// returns such results rather than throwing; this is the typed error for reporting one. Its target is the channel.
    /// </summary>
    public class ChannelPublishFailedException : LoomcycleException
    {
        /// <summary>The failure of <paramref name="channel"/>, with the server's reason <paramref name="error"/>.</summary>
        public ChannelPublishFailedException(string channel, string? error)
            : base($"Publishing to '{channel}' failed: {error}")
        {
            Target = channel;
        }

        /// <summary>The error of a failed broadcast result.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
        public static ChannelPublishFailedException From(ChannelPublishResult result)
        {
            if (result is null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            return new ChannelPublishFailedException(result.Channel, result.Error);
        }
    }
}
