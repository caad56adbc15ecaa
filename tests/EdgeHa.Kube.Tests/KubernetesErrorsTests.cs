using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.Tests;

public sealed class KubernetesErrorsTests
{
    [Theory]
    [InlineData(400, null, typeof(BadRequestException))]
    [InlineData(401, null, typeof(UnauthorizedException))]
    [InlineData(403, null, typeof(ForbiddenException))]
    [InlineData(404, null, typeof(NotFoundException))]
    [InlineData(405, null, typeof(KubernetesApiException))]
    [InlineData(409, "AlreadyExists", typeof(AlreadyExistsException))]
    [InlineData(409, "Conflict", typeof(ConflictException))]
    [InlineData(409, null, typeof(ConflictException))]
    [InlineData(410, null, typeof(GoneException))]
    [InlineData(500, "Expired", typeof(GoneException))]
    [InlineData(422, null, typeof(InvalidException))]
    [InlineData(429, null, typeof(TooManyRequestsException))]
    [InlineData(500, null, typeof(ServerErrorException))]
    [InlineData(502, null, typeof(ServerErrorException))]
    [InlineData(503, null, typeof(ServiceUnavailableException))]
    [InlineData(504, null, typeof(ServerErrorException))]
    public void FromStatus_CodeAndReason_MapToTypedException(int code, string? reason, Type expected)
    {
        var ex = KubernetesErrors.FromStatus(new Status { Code = code, Reason = reason });

        Assert.IsType(expected, ex);
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void FromResponse_StatusBody_KeepsMessageAndDetails()
    {
        var ex = KubernetesErrors.FromResponse(404, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}""");

        var notFound = Assert.IsType<NotFoundException>(ex);
        Assert.Equal("pods \"x\" not found", notFound.Status.Message);
        Assert.Equal("x", notFound.Status.Details!.Name);
        Assert.Equal("Kubernetes API error 404 NotFound: pods \"x\" not found", notFound.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("upstream connect error")]
    [InlineData("{\"kind\":\"Pod\"}")]
    [InlineData("{not json")]
    public void FromResponse_BodyNotAStatus_SynthesisesOneFromTheCode(string body)
    {
        var ex = KubernetesErrors.FromResponse(502, body);

        Assert.IsType<ServerErrorException>(ex);
        Assert.Equal(502, ex.Code);
        Assert.Equal("Failure", ex.Status.Outcome);
        Assert.False(string.IsNullOrEmpty(ex.Status.Message));
    }

    [Fact]
    public void FromResponse_StatusWithoutCode_TakesTheHttpCode()
    {
        var ex = KubernetesErrors.FromResponse(409, """{"kind":"Status","reason":"Conflict"}""");

        Assert.IsType<ConflictException>(ex);
        Assert.Equal(409, ex.Code);
    }

    [Fact]
    public void FromResponse_RetryAfter_IsCarriedOnRetryableErrors()
    {
        var ex = KubernetesErrors.FromResponse(429, "", TimeSpan.FromSeconds(4));

        Assert.Equal(TimeSpan.FromSeconds(4), Assert.IsType<TooManyRequestsException>(ex).RetryAfter);
    }

    [Fact]
    public void FromStatus_RetryAfterSecondsInDetails_IsUsed()
    {
        var ex = KubernetesErrors.FromStatus(new Status { Code = 503, Details = new StatusDetails { RetryAfterSeconds = 7 } });

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }
}
