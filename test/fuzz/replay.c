/*-------------------------------------------------------------------------
 *
 * replay.c
 *	  Run the fuzz target over saved inputs, without libFuzzer.
 *
 * Usage: replay FILE...
 *
 * Each file is read whole into a buffer of exactly its size, so that an
 * address sanitizer sees any read past the input, and handed to
 * LLVMFuzzerTestOneInput.  An invariant the target checks aborts the
 * program; otherwise the exit status is 0, or 2 when a file cannot be read.
 *
 *-------------------------------------------------------------------------
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * ReadWholeFile
 *		Read a file into a new buffer of its exact size; NULL on failure.
 */
static uint8_t *
ReadWholeFile(const char *path, size_t *size)
{
	FILE	   *f = fopen(path, "rb");
	uint8_t    *buf = NULL;
	size_t		len = 0;
	size_t		cap = 0;
	size_t		n;
	uint8_t		chunk[65536];

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		if (len + n > cap)
		{
			uint8_t    *bigger;

			cap = (len + n) * 2;
			bigger = realloc(buf, cap);
			if (bigger == NULL)
			{
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		for (size_t i = 0; i < n; i++)
			buf[len + i] = chunk[i];
		len += n;
	}
	if (ferror(f))
	{
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);

	/* exactly len bytes (at least one allocated), nothing after them */
	{
		uint8_t    *exact = malloc(len > 0 ? len : 1);

		if (exact == NULL)
		{
			free(buf);
			return NULL;
		}
		for (size_t i = 0; i < len; i++)
			exact[i] = buf[i];
		free(buf);
		*size = len;
		return exact;
	}
}

/*
 * main
 *		Replay every file named on the command line.
 */
int
main(int argc, char **argv)
{
	int			status = 0;

	if (argc < 2)
	{
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
	{
		size_t		size = 0;
		uint8_t    *data = ReadWholeFile(argv[i], &size);

		if (data == NULL)
		{
			fprintf(stderr, "replay: could not read \"%s\"\n", argv[i]);
			status = 2;
			continue;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		printf("replayed %s (%zu bytes)\n", argv[i], size);
	}
	return status;
}
