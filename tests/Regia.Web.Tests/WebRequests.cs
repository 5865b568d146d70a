using System.Net;
using System.Net.Http.Json;

namespace Regia.Tests;

/// <summary>Requests the page and API tests make: a form posted with its antiforgery token, an API call with a bearer token.</summary>
internal static class WebRequests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A page refuses a signed-in person by sending them to the "access denied" page.</summary>
    public static void AssertDenied(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/accesso/negato", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="url"/> with the antiforgery token of the page <paramref name="form"/>.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, Dictionary<string, string> fields, string form) =>
        PostFormAsync(client, url, (IEnumerable<KeyValuePair<string, string>>)fields, form);

    /// <summary>The same with fields that repeat (a group of checkboxes).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string form)
    {
        var page = await client.GetStringAsync(new Uri(form, UriKind.Relative), Cancel);
        var sent = fields.Append(new("__RequestVerificationToken", TestUsers.AntiforgeryToken(page)));
        return await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(sent), Cancel);
    }

    /// <summary>The API's JSON: web defaults, enumerations by their kebab-case names.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = Regia.Core.Common.ApiJson.Options;

    /// <summary>An API call with a bearer token (none for an anonymous call) and an optional JSON body.</summary>
    public static async Task<HttpResponseMessage> CallAsync(HttpClient client, HttpMethod method, string url, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return await client.SendAsync(request, Cancel);
    }

    /// <summary>An API call that must answer 200, read as <typeparamref name="T"/>.</summary>
    public static async Task<T> SendAsync<T>(HttpClient client, HttpMethod method, string url, string? token, object? body = null)
    {
        using var response = await CallAsync(client, method, url, token, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(Cancel))!;
    }
}
