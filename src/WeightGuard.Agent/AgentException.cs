namespace WeightGuard.Agent;

/// <summary>A failure the person running the agent can act on; its message is one complete sentence without secrets.</summary>
/// <param name="message">What went wrong and, where it helps, what to do.</param>
/// <param name="inner">The underlying failure.</param>
public class AgentException(string message, Exception? inner = null) : Exception(message, inner);
