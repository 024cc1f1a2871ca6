using RegisterEcts.Api;
using RegisterEcts.Api.AppropriateBodies;
using RegisterEcts.Api.Health;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.LeadProviders.V3;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Schools;
using RegisterEcts.Api.Support;

var builder = WebApplication.CreateBuilder(args);
builder.AddRegisterEcts();
RegisterEcts.Api.SupportPages.SupportConsole.AddSupportConsole(builder);

var app = builder.Build();
app.UseRequestSpans();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseMiddleware<IdempotencyMiddleware>();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapHealthEndpoints();
app.MapReferenceEndpoints();
app.MapSchoolEndpoints();
app.MapAppropriateBodyEndpoints();
app.MapSupportEndpoints();
RegisterEcts.Api.SupportPages.SupportConsole.MapSupportHistoryAndConsole(app);
app.MapLeadProviderApi();

app.Run();

public partial class Program;
