using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RegisterEcts.Api.Tests;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Testing;

namespace RegisterEcts.Browser.Tests;

/// <summary>
/// The API host on a real Kestrel port with the sample schools loaded, and Debian's Chromium driven by Playwright:
/// headless, no sandbox, no network of its own, in a fresh profile that is thrown away afterwards.
/// </summary>
public sealed class ConsoleInBrowser : ApiWithSchools
{
    // build/test.sh installs it with apt-get; RECTS_CHROMIUM points elsewhere on other machines.
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("RECTS_CHROMIUM") ?? "/usr/bin/chromium";

    public static readonly string Screenshots = Path.Combine(TestDatabase.RepositoryRoot(), "TestResults", "screenshots");

    private IPlaywright? _playwright;
    private DirectoryInfo? _profile;

    public ConsoleInBrowser() => UseKestrel(0);

    public IBrowserContext Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await SeedAsync();

        _playwright = await Playwright.CreateAsync();
        _profile = Directory.CreateTempSubdirectory("rects-chromium-");
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            BaseURL = BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 1024 },
        });
        Directory.CreateDirectory(Screenshots);
    }

    // ApiWithSchools' own seeding starts an in-memory TestServer, which a Kestrel-hosted factory refuses; the same world here.
    private async Task SeedAsync()
    {
        var reference = ReferenceSeed.Parse(await File.ReadAllTextAsync(SamplePath("reference", "reference-data.json")));
        await ReferenceStream.SeedAsync(Store, reference, new EventContext(Actor.System("tests")));
        await ImportSampleGiasAsync(new DateOnly(2025, 6, 1));
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        try { _profile?.Delete(recursive: true); }
        catch (IOException) { } // Chromium may still be letting go of its profile; it is a temp dir either way.
        await base.DisposeAsync();
    }
}
