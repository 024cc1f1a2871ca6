using RegisterEcts.Api;
using RegisterEcts.Api.Health;

var builder = WebApplication.CreateBuilder(args);
builder.AddRegisterEcts();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapHealthEndpoints();

app.Run();

public partial class Program;
