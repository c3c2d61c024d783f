using System.ClientModel;
using Azure;
using Azure.AI.OpenAI;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace SkWasmPlugin.Samples;

/// <summary>
/// Builds an <see cref="IChatClient"/> from environment variables: OpenAI (or any OpenAI-compatible server),
/// Azure OpenAI, or Ollama — the first that is configured, in that order.
/// </summary>
public static class ChatClientFactory
{
    /// <summary>What to set, printed when nothing is configured.</summary>
    public const string Help = """
        No model is configured. Set one of:
          OpenAI:        OPENAI_API_KEY, OPENAI_MODEL (default gpt-4o-mini), optional OPENAI_BASE_URL
                         (for OpenAI-compatible servers such as vLLM, llama.cpp or LM Studio)
          Azure OpenAI:  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT, and AZURE_OPENAI_API_KEY
                         (or sign in for Azure identity: az login / managed identity)
          Ollama:        OLLAMA_ENDPOINT (e.g. http://localhost:11434), OLLAMA_MODEL (e.g. qwen2.5-coder)
        """;

    /// <summary>The configured client and a short description, or null when no provider is configured.</summary>
    public static (IChatClient Client, string Description)? FromEnvironment()
    {
        string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

        if (Env("OPENAI_API_KEY") is { } key)
        {
            string model = Env("OPENAI_MODEL") ?? "gpt-4o-mini";
            var options = new OpenAIClientOptions();
            if (Env("OPENAI_BASE_URL") is { } baseUrl) options.Endpoint = new Uri(baseUrl);
            var client = new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(model).AsIChatClient();
            return (client, $"OpenAI {model}" + (options.Endpoint is { } e ? $" at {e}" : ""));
        }
        if (Env("AZURE_OPENAI_ENDPOINT") is { } endpoint)
        {
            string deployment = Env("AZURE_OPENAI_DEPLOYMENT")
                ?? throw new InvalidOperationException("AZURE_OPENAI_ENDPOINT is set but AZURE_OPENAI_DEPLOYMENT is not.");
            var azure = Env("AZURE_OPENAI_API_KEY") is { } apiKey
                ? new AzureOpenAIClient(new Uri(endpoint), new AzureKeyCredential(apiKey))
                : new AzureOpenAIClient(new Uri(endpoint), new DefaultAzureCredential());
            return (azure.GetChatClient(deployment).AsIChatClient(), $"Azure OpenAI {deployment}");
        }
        if (Env("OLLAMA_ENDPOINT") is { } ollama)
        {
            string model = Env("OLLAMA_MODEL") ?? "qwen2.5-coder";
            return (new OllamaApiClient(new Uri(ollama), model), $"Ollama {model}");
        }
        return null;
    }

    /// <summary>The configured client, or prints <see cref="Help"/> to stderr and exits with code 2.</summary>
    public static IChatClient RequireOrExit()
    {
        var configured = FromEnvironment();
        if (configured is null)
        {
            Console.Error.WriteLine(Help);
            Environment.Exit(2);
        }
        Console.Error.WriteLine($"model: {configured.Value.Description}");
        return configured.Value.Client;
    }

    /// <summary>The prompts of a sample: the command-line arguments joined, or else each line of standard input until it ends.</summary>
    public static async IAsyncEnumerable<string> Inputs(string[] args, string prompt = "> ")
    {
        if (args.Length > 0)
        {
            yield return string.Join(' ', args);
            yield break;
        }
        bool interactive = !Console.IsInputRedirected;
        while (true)
        {
            if (interactive) Console.Write(prompt);
            string? line = await Console.In.ReadLineAsync();
            if (line is null) yield break;
            if (line.Trim().Length > 0) yield return line.Trim();
        }
    }
}
