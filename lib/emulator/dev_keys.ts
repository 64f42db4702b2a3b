/**
 * The emulator's well-known development signing keys: published on purpose, like Azurite's
 * well-known storage account key. They sign the access tokens the emulator issues as Entra, the
 * OIDC tokens it issues as GitHub Actions, and the call notifications it POSTs to bots.
 *
 * They are NOT secrets and protect nothing: the emulator is a local test double, not a security
 * boundary, and tokens signed with these keys are accepted only by the emulator itself (no real
 * Entra, Graph, GitHub or Bot Framework service knows them). Committing them lets an emulator
 * issue its first token within milliseconds of starting (RSA key generation takes 50 to 350 ms),
 * and makes tokens and notification signatures reproducible across runs and machines.
 *
 * An emulator bound to an address other than loopback does not use them: it makes fresh keys at
 * start (see `keys` in `startEmulator`), because there anyone who can reach it could otherwise
 * mint tokens it accepts.
 *
 * Each entry: the RSA-2048 private key as a JWK, and a self-signed X.509 certificate of its
 * public half (DER, base64; valid 2025-01-01 to 2125-01-01), published as `x5c` in the JWKS.
 * They were generated once with WebCrypto and `@peculiar/x509`, as `createSigningKey` in
 * signing_key.ts does.
 *
 * @module
 */

/** One well-known key: private JWK and certificate. */
export interface WellKnownKey {
  /** The RSA private key (JWK members only). */
  jwk: JsonWebKey;
  /** The self-signed certificate of the public key, DER as standard base64. */
  certificate: string;
}

/** The well-known keys by purpose. */
export const WELL_KNOWN_KEYS: Readonly<Record<"entra" | "github" | "notifications", WellKnownKey>> =
  {
    "entra": {
      "jwk": {
        "kty": "RSA",
        "n":
          "shWfdYRsRouVavO7_Fr0T0n72Sopo_Bx_5mX1axoyUTn6NUPh6sL5WtLGfZXDt2KE2f9U-xI7hVIs7MhT_cd6yE0TUwACLJjm30T4PD7LjlqxgdDz-CiDmn8P0vz6_EdH7lHB41ngqIfYURY9RGCXmESRrZBVRVVnAwYVX-19KxBwKy4w8emlVur5rGST3a7gnZFv_I9QtA-dRoUlumrAbT-CU3GT6YfEpUZ7E1u2nfzrHcoLbyMIiMzD34AObAykEgH-XILIsanF15Iwmu38JcbC5SXCUBb6ZZ6LHX8Glx6yHmd0lhR1R2S8IxvGVESlWv1qKCY1kGfaptLpkOv-w",
        "e": "AQAB",
        "d":
          "FdgvKjQnL_QZTPg-2_KwOzWhDf9tAi4RXcASbuRqKh4osFfKQuMJX4fsu2-LOEiWklDUM0Ito_66X0ie0ndGlTwKdVzYODjhnQYXtST6Oq5SWZ40hEBSwJ_hkEYZ0pxN7UFF5DhFNTH71WuT2ePe8QLJQiFDHFO0n6KgLYSv5iYyf4fMInKrY7JVWzkbXrgAiVdw97JoCffT8GVPP8kHP82LdcmExBwLPJsr6gZuH4KYW0O_99ON14usvqCReR3VIr-i0qJaxWKiv9CGEO29yeERHFDvSSnvignGC9cdo7rtN6cBkl8EThWFwXcLRk5NrSa2loRF6QjPqa3ASIsHaQ",
        "p":
          "6ujJFn69drHI1Mg_1WOhUpVrD-xkM2ie75cOxhLospXIiEKDEGwJKSgviosZaiCfyUtlYOOdkE56EUJbzMMdhJCZIpjMHmrLP-30L500vd6zf_4RVwa8FZSr-c_AKeA31kXb7X1NW6TOYlQifnOY8PkOhPU4HL5nFSgnOrZm3TU",
        "q":
          "whLCv7fg026VtGPyVw4uqZ-hQL6nG9UqVkeyeJyD8mBe3rHGZNL_CAviaCQEuWo90Xkb3ah13eO5zzfeBKlS4vhNbs-W8dqdvkZSH3fTgLi6dmtLR5XzbCHb4cmdOMWrOGD7FRO14f70mL5mCArGr1Zbmf8DE9La3kAdk7bJbm8",
        "dp":
          "tWXtYqGcTPwcybOZF39IJC2d7z3sYoZ3tSxBDFOtvbpMkGxMKXJD4LRXgfTIO1vWB-tg7eDW24i-WnWTzhsdwDCpED5N4W82ZLeryNjs0XIXys63NSzOMRwNcWssSSoL9DseCdao1gv-E5BE0sERaYPp4mI6YnflwkCvincwF8E",
        "dq":
          "j3rXSG5lZWtoeok57WqqzPUbfoZ1fXpHZqpzJABy_IqLGRFNn9Tuf8BpjpyycXI-adOj6mhVW8q04KJpHgEhKnRwqvAGpJ__52CN7n3kfFIWaN5CNZaC9PrDWVZ5SjO5tmDcwGRmH8MiipqZTHDLG245Is0KNWm6Ln4wX7jPizk",
        "qi":
          "v5giCwwKlC3-HX5PRGW62FR3r0a1Xr3NDHCFNurIev0jsAxHDe4nwxG7LlTNqsJxV1Hp0zbIPgdEJVDxf5VvDLGAczLEScROx_D83HJoE3hkyi-h3WeozXegffHvWbuVG43tHpbfpvd-WVu0N8BN4gUkS9WKWchsUpJE-yG3i_0",
      },
      "certificate":
        "MIIDQTCCAimgAwIBAgIJAWfdiKTynwbJMA0GCSqGSIb3DQEBCwUAME4xTDBKBgNVBAMTQ2dyYXBoY2FsbCBlbXVsYXRvciBFbnRyYSB0b2tlbiBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwIBcNMjUwMTAxMDAwMDAwWhgPMjEyNTAxMDEwMDAwMDBaME4xTDBKBgNVBAMTQ2dyYXBoY2FsbCBlbXVsYXRvciBFbnRyYSB0b2tlbiBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCyFZ91hGxGi5Vq87v8WvRPSfvZKimj8HH/mZfVrGjJROfo1Q+Hqwvla0sZ9lcO3YoTZ/1T7EjuFUizsyFP9x3rITRNTAAIsmObfRPg8PsuOWrGB0PP4KIOafw/S/Pr8R0fuUcHjWeCoh9hRFj1EYJeYRJGtkFVFVWcDBhVf7X0rEHArLjDx6aVW6vmsZJPdruCdkW/8j1C0D51GhSW6asBtP4JTcZPph8SlRnsTW7ad/OsdygtvIwiIzMPfgA5sDKQSAf5cgsixqcXXkjCa7fwlxsLlJcJQFvplnosdfwaXHrIeZ3SWFHVHZLwjG8ZURKVa/WooJjWQZ9qm0umQ6/7AgMBAAGjIDAeMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMA0GCSqGSIb3DQEBCwUAA4IBAQCMwIQfLKRFvuRKk25vwH1MpIapGr0xMPgKbJMoEMj7sZdZv6pcJ3vmxq0xdAsDTsNBRNR4k8JYBKsV5KAcD+neAevoXgvD43q/40LzjUKh6AeupU2cObgHuDsdtM/0Eb/8u3MAu94szXDYolTagV1S/A2aqdK5AGBwr3LUnX+qFPd6Vgc6G9eEyBHcGjYfjocwWH8sdxvdbfL99UB6Ut5khSgUSYS0qzBBWazesS0Wy2A45U3pIllSpK+JLjhNKtCrsD/MTW6U+4P21JYcpzXQ0otO86P/tHqKyzdh57yQb5+QpyN8Czs/LL+iv5S79Hdf4hhNmSnG+eh5OKq9FR+/",
    },
    "github": {
      "jwk": {
        "kty": "RSA",
        "n":
          "u__JVLuJW0dlOncZ3KzSVrEZI42NHapZwPB7cLDgDkcspvTgl6JLFJIYknh01Bwk_5fhjnl3W9R0r0r3q3vSnNIS1jH9r04M5o2p9_H8IrmZny4tt1MI0h8Ez3b9cuF5iJ16MJ1v5wnzDDB-uscqq0zP2BHr7iJMKBE-mBj0U7Y5itc3s6Kb8zj7NdVEE2AAHX8iBqQiQC4l-XI3Kixm1NdGuxwxBwfiCaKuQlXZzMHn8GvTsOmhA3UMrKc8ep9MpY-H6q5UIcriZAcxjlESgETp3HaNXu_5AaVHVTaX62DvbeXht1BBpgGan6ODaHquB657PJudZG1e8Xq-8GZK9w",
        "e": "AQAB",
        "d":
          "MA4B-Ja3VY26YmdvROkoGuDJ_DyChcK1jovqAbQ0kXHACC0v-5KQfoGZplcEBfPrwSmhjjmeOOrlqKkRBdRw0YUhK387yUO6KHStraM9P-MRUY8MQIAJESy8ngtcXbEkz7bxNNwJbpUse0EqI7QlRAQuXJy4IfbCYLuHtHksevj5MDITCulu8C4zIur8_7AYwScmDYpbjAgj7M96YbMMIYdvCwha15raGCHZCfrUElcP6eAmdag8khqxap8Lx-tIAMsDYijJiung1qF_JoaI2I0tAU8Vb4Md4DhJClyAmDOpxL8nu-pK7lL9MLfmvx1b8AxvRnYadWAwMtFlvX0SAQ",
        "p":
          "12ONn80Wp9b-iRPe9XtBYgPIW0ArYcO8-igEMgy69B6kcxeBWUeGeRt8Arwl0T2FCKIVG02WDeHY2b3apyZUELAy8b1yH6uOMLkfDJGbccAonGk0Fkhd_2tE4WddyU84PWQq7KLXvzaezpUQeS2i3Nv59K4nRxFHNulRXEUXfVE",
        "q":
          "33It6hnyfxal-o0V2Y5iN6HoDpbJTPsKenla1qP2P8i6B-0Wt_ZuzSIMfWA60lJt--YtZK1urluxLD_4AgdpEL2RViil5esPR8mt3PqqonnYPo7y5aCWK-e0H3hl9yBfb2c9lBXoJSVU7boNq0Dkm2smO3K-KiNOqNd665xZkcc",
        "dp":
          "b-Bk-sEzaGCy-46Xu9iWwIuIcWVmYzShnypT649TOGQGNUXbSP1u6s8M3frOhd23kSFnZzQoofNSiN8liLbO6ZAsFga6FZstkz9E0ml7XV1besrmZECYmogkUhQ30c3VP4YdCacX-1kqqdEhql-6_Y9BSQeAnVhrLimIui2lItE",
        "dq":
          "UAbkyuNgJoRGDeZZ3QFRy_sA0bjPf_KpXhP4pMc0esO5XP1dFaX9KRr4vi6o4osDOSTHPTegXHIakm6WtKNSzdwXIXSNdjspzdw9mNduJaLeAAnSlMte_XqO2HaWjlvZ0lx3gYIXEra8JChunNcxCTjnCIOf-BeNJIuISrpEmiE",
        "qi":
          "IW_TBbUMorgp-yuB1aSRkV5NvRxu48XiHlYbrlaCT0WDLmUTtdH_4IqjkYfJJxIm_uNhRpzVUCtykl2uoWuF8rCSlW6hjIbJRbr96QgNv98R1Ylos_mfaqoBDKA3AfzOxnui7pMrfaMLHxirNRp1Ygyu0BHX3C-zORsWCqEKLCQ",
      },
      "certificate":
        "MIIDQTCCAimgAwIBAgIJAcXaXk6UtZN7MA0GCSqGSIb3DQEBCwUAME4xTDBKBgNVBAMTQ2dyYXBoY2FsbCBlbXVsYXRvciBHaXRIdWIgT0lEQyBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwIBcNMjUwMTAxMDAwMDAwWhgPMjEyNTAxMDEwMDAwMDBaME4xTDBKBgNVBAMTQ2dyYXBoY2FsbCBlbXVsYXRvciBHaXRIdWIgT0lEQyBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC7/8lUu4lbR2U6dxncrNJWsRkjjY0dqlnA8HtwsOAORyym9OCXoksUkhiSeHTUHCT/l+GOeXdb1HSvSvere9Kc0hLWMf2vTgzmjan38fwiuZmfLi23UwjSHwTPdv1y4XmInXownW/nCfMMMH66xyqrTM/YEevuIkwoET6YGPRTtjmK1zezopvzOPs11UQTYAAdfyIGpCJALiX5cjcqLGbU10a7HDEHB+IJoq5CVdnMwefwa9Ow6aEDdQyspzx6n0ylj4fqrlQhyuJkBzGOURKAROncdo1e7/kBpUdVNpfrYO9t5eG3UEGmAZqfo4Noeq4Hrns8m51kbV7xer7wZkr3AgMBAAGjIDAeMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMA0GCSqGSIb3DQEBCwUAA4IBAQBDwK+dtOCNnEaF5qQ6Jt6B6K7mVlmcT5ClqyPqBCRaeRTW4/O8cGy06Eolx+Un2iHDHP0EKy6d2+pKjS9Agbyn+CAIManJpN+peBWW4OzXULIbJOukDEqhzO2bP+/FqicER61KQdSmQgPtpjgDYKFErXKv/7vGgzovQioUHCaejeJyRXPv10zO4BY5AhVYncq6MqRH/qNoy63UkhyVfgXqvlgCbyW+LH0ZP67cHuGXbPh5BQqYQnH6TpBW5S22B//0nfqJ+tKVeFtT27h3gm+lOe6V/djdcPR3Q89cQ4djJq55juweCcIAw065o/zurDLaTvlZfWsK1ZD3NRHVysRM",
    },
    "notifications": {
      "jwk": {
        "kty": "RSA",
        "n":
          "xcyzNOBkJajz6VvMmKe-PTAF_JMUVVlVbfOQBl2Xi2ew39B2ae1ZGNgzUrpKZE2OPSEkmzbZGzYgdUSLsIvu8YTBTkPQsiikQ84KQDCIX4IfxKQwnI4EuRvmCyf7HgOwPUpZDzu_8dqZ9ma_-rgfqMOciMOEdj19Q8Yj57bfO7Y4s4GMXKWa4ABl9jcW9yjdpO6zuh9Hycy_nHBXvzMEnLFbZQfhgbqKoPJRWTjHO9VBorRAj2JhfE6u9Wbtzs8n5j0_CuBhN3hkq3dyklQWYxhIiuo2uqXVkWMuQ1z4BMrf61DH4EoYM_WZBmmHOrGKTJmj7-onxoWR52NtMWgsrw",
        "e": "AQAB",
        "d":
          "AmV6fleBnxsu6VLdZbQSj_c2-1pk0qvkZxKeWhVkMqIs-Gk0JhBkFfL4nDX5lMGDyaXPJbpCYxwCxKjx8E-hs3diSCp2KtJnOxMR-LkdzdprvBwpIpxt3jhCTzxKxJBS4Es4TQDyUGHPn7aa-NSmPYsxKE8GGdCg5eNOqA4FIloLXPIYQBle74TEgJhkwpmW5Paun_QYjJFJyKgKkitIzVWzwPTV2ONrHf5_jn218_IN18_hCJMBVN1hsQJjbDTzBzenSAkVlAH1WbGK01iNHnmu-DiKStTan0o0aiXJhIsjaHuYONmDWSzXAJE1K4P482pZlkiReAaq1kJHhRxXIQ",
        "p":
          "2KLHJfuFLDBTEm72up3O1jSagokKdClKyAJy34TukRHfvcr6RBnSNPFVJI-GpqT1ew32AlTzVwmfi6Cj-aCpJ79U3wWR4enGhTPRmhYjSfTc6a8LlXBQ5i6nmbNyL8DUnj2dlcYNcnyXzWpar74BHO3rGeb9iLJ5rVKcL4Ip7Wc",
        "q":
          "6b24FGw2Be-cjcTd6JpeD6SyeJBI5XfveeBVap5Dfk4Kp7TyRcwYDQJG6WfqutDoOgzFtWB3dD449CHLMomYYh0D8TWNK8R-fjWWM8P35y7Hep4fl9IFy9-QeLh6CzjJx0gjK4LJKGVpWGAFQQHNS2QQ4D0bISTErsLYuQt_8Xk",
        "dp":
          "grimpxrA30tBtWvT4gP7nXIckgwTjMil4U7o9kuGkW9RrXrfzVwvZdcCY49f1wrPPjPMcNfGBo0-AskqaSUzLVLc6b64qrOgIRyFrA8TuDrTWwdPXBtsFZmtdKe9jWc0ZVAU2R2rW5wnFcLJeiaTEVvXc8fY0TWxCo9Aw8Itfp0",
        "dq":
          "n5McRyURRMAu-0J51UD-EmP4TAMFIVPeNDCJX_6oSWRyNch81lXd3ZO-Yb7GK8BPqsHpgEhZhQytyU4A8YGqfOEePeC3fjfpu7RN1Q1nA3eWTAoDu5xwxJzefuxCtcKRTvHawOvK9T82ylTTgWv_ggbQ1qYhDWGSvVTcrIhDUtE",
        "qi":
          "Z5kXjRV17PwU5rZiWC5SY3PoYlfBycEL6FJ9NeCicoaA5TCDhHQj_HxDar6FExVXG4QH7CWKLoZBg-IVW6gpEs0DJlTJkC-lRXwntac-pZ3pDDkTKx2KnbxNLPFRwY4isV0OQYrNGqtxCIS-O3MaYVHgllv8E02XW5L-wQK27Zo",
      },
      "certificate":
        "MIIDTTCCAjWgAwIBAgIJAcJQbj867+/rMA0GCSqGSIb3DQEBCwUAMFQxUjBQBgNVBAMTSWdyYXBoY2FsbCBlbXVsYXRvciBjYWxsIG5vdGlmaWNhdGlvbiBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwIBcNMjUwMTAxMDAwMDAwWhgPMjEyNTAxMDEwMDAwMDBaMFQxUjBQBgNVBAMTSWdyYXBoY2FsbCBlbXVsYXRvciBjYWxsIG5vdGlmaWNhdGlvbiBzaWduaW5nICh3ZWxsLWtub3duIGRldmVsb3BtZW50IGtleSkwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDFzLM04GQlqPPpW8yYp749MAX8kxRVWVVt85AGXZeLZ7Df0HZp7VkY2DNSukpkTY49ISSbNtkbNiB1RIuwi+7xhMFOQ9CyKKRDzgpAMIhfgh/EpDCcjgS5G+YLJ/seA7A9SlkPO7/x2pn2Zr/6uB+ow5yIw4R2PX1DxiPntt87tjizgYxcpZrgAGX2Nxb3KN2k7rO6H0fJzL+ccFe/MwScsVtlB+GBuoqg8lFZOMc71UGitECPYmF8Tq71Zu3OzyfmPT8K4GE3eGSrd3KSVBZjGEiK6ja6pdWRYy5DXPgEyt/rUMfgShgz9ZkGaYc6sYpMmaPv6ifGhZHnY20xaCyvAgMBAAGjIDAeMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMA0GCSqGSIb3DQEBCwUAA4IBAQCDsbICuqVdRzFytkd5A7SnKEhu7QehmJ2nlgkdlb+Q6aiTwBdzk33dbx52wypl46MncGHGTOszKpZ5ywkGNyjVUUhhX7IVgnt7ssasBHD/8Y22udZoatBQ/nCLFCkVogoVogdBoIyBQcf6swjiWKGNfFictNijNGe9xnoI+h+j84NsyWmu3kk1CSiIEphN8SIKqNKHLrQNAkY/qMaGMnQfccwEGt0tE2dVHE075X2Ii8Yms1V0PPtX6rQGBlFzgmdGS04fZTkdi8T5I/yH66IS7s8YqcF3IsOf3rDCbQL+mqLObzz/rsmrs/oqFPMjdyS6j+Iw2Z9zIdC/mKNXbS6f",
    },
  };
